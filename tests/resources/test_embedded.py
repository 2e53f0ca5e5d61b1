"""Embedded DuckDB specifics: file locks held by other processes, schema checks, missing file."""

import subprocess
import sys
import time
from datetime import date

import duckdb
import pytest

from datagen_platform.errors import DatabaseUnreachableError, SchemaMismatchError
from datagen_platform.resources import EmbeddedDuckDBResource

HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold_lock(path: str, seconds: float) -> subprocess.Popen:
    """Another process that opens the file for writing and keeps it for `seconds`."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, path, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_lock_held_briefly_by_another_process_is_waited_for(embedded_resource):
    embedded_resource.ensure_schema()
    holder = _hold_lock(embedded_resource.path, 1.5)
    try:
        start = time.monotonic()
        counts = embedded_resource.day_counts(date(2024, 1, 1), date(2024, 1, 31))
        waited = time.monotonic() - start
    finally:
        holder.wait(timeout=30)

    assert counts == {}
    assert waited >= 0.5


def test_a_lock_held_too_long_is_a_clear_error(embedded_resource):
    embedded_resource.ensure_schema()
    impatient = EmbeddedDuckDBResource(path=embedded_resource.path, lock_timeout_seconds=0.5)
    holder = _hold_lock(embedded_resource.path, 30)
    try:
        with pytest.raises(DatabaseUnreachableError) as caught:
            impatient.ensure_schema()
    finally:
        holder.kill()
        holder.wait(timeout=30)

    message = str(caught.value)
    assert message.startswith(
        f"embedded DuckDB {embedded_resource.path} stayed locked by another process for 0.5 s "
    )
    assert f"(PID {holder.pid})" in message
    assert message.endswith(
        "DuckDB lets one process write a file at a time: wait for the other run to finish, or "
        "run fewer steps at once."
    )


def test_reading_a_file_that_does_not_exist_says_what_to_do(embedded_resource):
    with pytest.raises(SchemaMismatchError) as caught:
        embedded_resource.read_table("notas_fiscais")

    assert str(caught.value) == (
        f"embedded DuckDB {embedded_resource.path} does not exist yet; "
        f"create the schema with ensure_schema first"
    )


def test_the_tables_use_duckdb_types_for_bit_and_float(embedded_resource):
    embedded_resource.ensure_schema()

    with duckdb.connect(embedded_resource.path) as con:
        types = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE table_name = 'tabela_de_vendedores' ORDER BY column_index"
        ).fetchall()

    assert types == [
        ("MATRICULA", "VARCHAR"),
        ("NOME", "VARCHAR"),
        ("PERCENTUAL_COMISSAO", "FLOAT"),
        ("DATA_ADMISSAO", "DATE"),
        ("DE_FERIAS", "BOOLEAN"),
        ("BAIRRO", "VARCHAR"),
    ]


@pytest.mark.parametrize(
    ("ddl", "difference"),
    [
        (
            "CREATE TABLE tabela_de_vendedores (MATRICULA VARCHAR NOT NULL, NOME VARCHAR, "
            "PERCENTUAL_COMISSAO DOUBLE, DATA_ADMISSAO DATE, DE_FERIAS BOOLEAN, BAIRRO VARCHAR, "
            "PRIMARY KEY (MATRICULA))",
            "column PERCENTUAL_COMISSAO is DOUBLE, expected FLOAT",
        ),
        (
            "CREATE TABLE tabela_de_vendedores (MATRICULA VARCHAR NOT NULL, NOME VARCHAR, "
            "PERCENTUAL_COMISSAO FLOAT, DATA_ADMISSAO DATE, DE_FERIAS BOOLEAN, BAIRRO VARCHAR)",
            "primary key is (), expected (MATRICULA)",
        ),
        (
            "CREATE TABLE tabela_de_vendedores (MATRICULA VARCHAR NOT NULL, NOME VARCHAR, "
            "PERCENTUAL_COMISSAO FLOAT, DATA_ADMISSAO DATE NOT NULL, DE_FERIAS BOOLEAN, "
            "PRIMARY KEY (MATRICULA))",
            "column DATA_ADMISSAO is NOT NULL, expected nullable; column BAIRRO is missing",
        ),
    ],
)
def test_a_table_of_another_shape_is_reported_not_altered(embedded_resource, ddl, difference):
    with duckdb.connect(embedded_resource.path) as con:
        con.execute(ddl)

    with pytest.raises(SchemaMismatchError) as caught:
        embedded_resource.ensure_schema()

    assert str(caught.value) == (
        f"table tabela_de_vendedores in {embedded_resource.describe()} differs from the "
        f"expected schema: {difference}. The platform never alters an existing table; drop it "
        f"or use another file."
    )
