"""The datalake resource against real folders: layout, atomic writes, listing and refusals."""

import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datagen_platform.assets.silver import silver_schema
from datagen_platform.errors import DataIntegrityError
from datagen_platform.resources import datalake
from datagen_platform.resources.datalake import DatalakeResource

DAY = date(2024, 1, 5)


def _notas(numbers: list[int], day: date = DAY) -> pa.Table:
    rows = [
        {
            "CPF": "1471156710",
            "MATRICULA": "00235",
            "DATA_VENDA": day,
            "NUMERO": number,
            "IMPOSTO": 0.1,
            "ANO": day.year,
            "MES": day.month,
            "ITENS": 1,
            "LITROS": 10,
            "VALOR_TOTAL": 53.7,
        }
        for number in numbers
    ]
    return pa.Table.from_pylist(rows, schema=silver_schema("notas_fiscais"))


def test_fact_partition_lands_at_its_hive_path(tmp_path: Path) -> None:
    lake = DatalakeResource(root=str(tmp_path / "lake"))

    written = lake.write_silver("notas_fiscais", _notas([1, 2, 3]), DAY)

    expected = tmp_path / "lake/silver/sucos_vendas/notas_fiscais/date=2024-01-05/part-0.parquet"
    assert written.uri == expected.as_posix()
    assert written.rows == 3
    assert written.bytes == expected.stat().st_size
    assert pq.read_table(expected)["NUMERO"].to_pylist() == [1, 2, 3]


def test_dimension_snapshot_lands_in_the_table_folder(tmp_path: Path) -> None:
    lake = DatalakeResource(root=str(tmp_path))
    table = pa.table({"MATRICULA": ["00235"]})

    written = lake.write_silver("tabela_de_vendedores", table)

    expected = tmp_path / "silver/sucos_vendas/tabela_de_vendedores/part-0.parquet"
    assert written.uri == expected.as_posix()
    assert lake.read_silver("tabela_de_vendedores").equals(table)


def test_same_table_written_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first = DatalakeResource(root=str(tmp_path / "a"))
    second = DatalakeResource(root=str(tmp_path / "b"))

    path_a = Path(first.write_silver("notas_fiscais", _notas([7, 8]), DAY).uri)
    bytes_a = path_a.read_bytes()
    first.write_silver("notas_fiscais", _notas([7, 8]), DAY)
    path_b = Path(second.write_silver("notas_fiscais", _notas([7, 8]), DAY).uri)

    assert path_a.read_bytes() == bytes_a
    assert path_b.read_bytes() == bytes_a


def test_interrupted_write_leaves_the_previous_partition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = DatalakeResource(root=str(tmp_path))
    path = Path(lake.write_silver("notas_fiscais", _notas([1, 2]), DAY).uri)
    before = path.read_bytes()

    def write_half_then_fail(table: pa.Table, sink: pa.NativeFile) -> None:
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        sink.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(datalake, "_write_parquet", write_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        lake.write_silver("notas_fiscais", _notas([1, 2, 3, 4]), DAY)

    assert path.read_bytes() == before
    assert lake.read_silver("notas_fiscais", DAY)["NUMERO"].to_pylist() == [1, 2]
    assert sorted(p.name for p in path.parent.iterdir()) == ["part-0.parquet"]


def test_partitions_are_listed_in_day_order(tmp_path: Path) -> None:
    lake = DatalakeResource(root=str(tmp_path))
    for day in (date(2024, 1, 7), date(2024, 1, 5), date(2024, 1, 6)):
        lake.write_silver("notas_fiscais", _notas([day.day], day), day)
    # A folder without its part file is an unfinished partition, not a day of data.
    (tmp_path / "silver/sucos_vendas/notas_fiscais/date=2024-01-09").mkdir()

    assert lake.list_partitions("notas_fiscais") == [
        date(2024, 1, 5),
        date(2024, 1, 6),
        date(2024, 1, 7),
    ]
    assert lake.list_partitions("itens_notas_fiscais") == []


def test_duckdb_reads_the_partitions_with_their_day(tmp_path: Path) -> None:
    lake = DatalakeResource(root=str(tmp_path))
    lake.write_silver("notas_fiscais", _notas([1, 2], DAY), DAY)
    lake.write_silver("notas_fiscais", _notas([3], date(2024, 1, 6)), date(2024, 1, 6))

    rows = duckdb.execute(
        "SELECT date, count(*) FROM read_parquet($glob, hive_partitioning = true) "
        "GROUP BY date ORDER BY date",
        {"glob": lake.silver_glob("notas_fiscais", partitioned=True)},
    ).fetchall()

    assert rows == [(DAY, 2), (date(2024, 1, 6), 1)]


def test_corrupt_file_is_reported_with_its_path(tmp_path: Path) -> None:
    lake = DatalakeResource(root=str(tmp_path))
    path = tmp_path / "silver/sucos_vendas/notas_fiscais/date=2024-01-05/part-0.parquet"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"day,rows\n2024-01-05,3\n")

    with pytest.raises(DataIntegrityError, match="is not a readable Parquet file") as raised:
        lake.read_silver("notas_fiscais", DAY)
    assert str(path) in str(raised.value)
    with pytest.raises(DataIntegrityError, match=re.escape(str(path))):
        lake.check_schema(lake.silver_file("notas_fiscais", DAY), [silver_schema("notas_fiscais")])


def test_foreign_parquet_file_is_refused_with_its_path(tmp_path: Path) -> None:
    lake = DatalakeResource(root=str(tmp_path))
    lake.write_silver("notas_fiscais", pa.table({"invoice": [1], "total": [9.5]}), DAY)

    with pytest.raises(DataIntegrityError) as raised:
        lake.read_silver("notas_fiscais", DAY, schema=silver_schema("notas_fiscais"))

    message = str(raised.value)
    assert lake.uri(lake.silver_file("notas_fiscais", DAY)) in message
    assert "unexpected schema: found invoice int64, total double; expected CPF string" in message


def test_missing_file_is_reported_with_its_path(tmp_path: Path) -> None:
    lake = DatalakeResource(root=str(tmp_path))

    with pytest.raises(DataIntegrityError, match=r"part-0\.parquet does not exist"):
        lake.read_silver("tabela_de_clientes")


def test_file_uri_root_uses_the_same_layout(tmp_path: Path) -> None:
    lake = DatalakeResource(root=f"file://{tmp_path.as_posix()}/lake")

    written = lake.write_silver("notas_fiscais", _notas([4]), DAY)

    assert (
        written.uri == f"file://{tmp_path.as_posix()}/lake/{lake.silver_file('notas_fiscais', DAY)}"
    )
    assert (tmp_path / "lake/silver/sucos_vendas/notas_fiscais/date=2024-01-05").is_dir()
    assert lake.list_partitions("notas_fiscais") == [DAY]
    assert lake.read_silver("notas_fiscais", DAY)["NUMERO"].to_pylist() == [4]


def test_report_bytes_are_written_atomically(tmp_path: Path) -> None:
    lake = DatalakeResource(root=str(tmp_path))

    uri = lake.write_bytes("reports/page.html", b"<p>one</p>")
    lake.write_bytes("reports/page.html", b"<p>two</p>")

    assert uri == (tmp_path / "reports/page.html").as_posix()
    assert (tmp_path / "reports/page.html").read_bytes() == b"<p>two</p>"
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["page.html"]
