"""The operational database contract, run against both backends: MariaDB and embedded DuckDB."""

import json
import signal
import subprocess
import sys
from datetime import date, timedelta

import dagster as dg
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from datagen_platform.config import MariaDBSettings, Settings
from datagen_platform.errors import DataIntegrityError, SchemaMismatchError
from datagen_platform.generation import (
    Scenario,
    generate_day,
    generate_dimension,
    iter_day_blocks,
    load_profile,
)
from datagen_platform.resources import (
    EmbeddedDuckDBResource,
    LoadResult,
    MariaDBResource,
    OperationalDatabaseResource,
    operational,
    operational_database,
)
from datagen_platform.schema import CLIENTES, ITENS, NOTAS, PRODUTOS, TABLES, VENDEDORES

DAY = date(2024, 3, 8)
NEXT_DAY = date(2024, 3, 9)


@pytest.fixture(params=["embedded", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def database(request) -> OperationalDatabaseResource:
    return request.getfixturevalue(f"{request.param}_resource")


@pytest.fixture
def loaded(database: OperationalDatabaseResource, sample) -> OperationalDatabaseResource:
    """A database with the schema, the sample dimensions and two days of invoices."""
    database.ensure_schema()
    for name, rows in _dimensions(sample).items():
        database.load_dimension(name, rows)
    database.replace_day(DAY, sample.day_blocks(DAY, 1_000, 120))
    database.replace_day(NEXT_DAY, sample.day_blocks(NEXT_DAY, 2_000, 30))
    return database


def _dimensions(sample) -> dict[str, pa.Table]:
    return {
        CLIENTES.name: sample.customers(),
        VENDEDORES.name: sample.sellers(),
        PRODUTOS.name: sample.products(),
    }


def _embedded(database: OperationalDatabaseResource) -> bool:
    return isinstance(database, EmbeddedDuckDBResource)


def _item_count(sample, day: date, first_numero: int, invoices: int, **options) -> int:
    return sample.concat(sample.day_blocks(day, first_numero, invoices, **options), 1).num_rows


def _sorted(table: pa.Table, spec) -> pa.Table:
    return table.sort_by([(key, "ascending") for key in spec.primary_key])


def test_ensure_schema_creates_empty_tables_with_the_canonical_schema(database):
    database.ensure_schema()
    database.ensure_schema()

    for name, spec in TABLES.items():
        table = database.read_table(name)
        assert table.num_rows == 0
        assert table.schema == spec.arrow_schema("int")


def test_bigint_numero_is_read_back_as_int64_and_refused_as_int(database):
    database.ensure_schema("bigint")

    assert database.read_table(NOTAS.name).schema.field("NUMERO").type == pa.int64()
    assert database.read_table(ITENS.name).schema.field("NUMERO").type == pa.int64()
    with pytest.raises(SchemaMismatchError) as caught:
        database.ensure_schema("int")
    found, expected = ("BIGINT", "INTEGER") if _embedded(database) else ("bigint", "int")
    assert str(caught.value) == (
        f"table notas_fiscais in {database.describe()} differs from the expected schema: "
        f"column NUMERO is {found}, expected {expected}. The platform never alters an existing "
        f"table; drop it or use another {'file' if _embedded(database) else 'database'}."
    )


def test_ensure_schema_rejects_an_unknown_numero_type(database):
    with pytest.raises(ValueError, match="numero_type='long' is not supported; use 'int' or"):
        database.ensure_schema("long")


def test_load_dimension_writes_exactly_the_rows_then_is_a_no_op(database, sample):
    database.ensure_schema()

    first = database.load_dimension(CLIENTES.name, sample.customers())
    again = database.load_dimension(CLIENTES.name, sample.customers())

    assert first.rows == {CLIENTES.name: 12}
    assert again.rows == {CLIENTES.name: 0}
    assert database.read_table(CLIENTES.name).equals(_sorted(sample.customers(), CLIENTES))


def test_load_dimension_inserts_updates_and_deletes(loaded, sample):
    loaded.load_dimension(PRODUTOS.name, sample.products(10))  # codes 8 and 9 are in no invoice
    changed = pa.concat_tables(
        [sample.products(9), sample.products(11).slice(10)]
    )  # drops 9, adds 10
    prices = changed["PRECO_DE_LISTA"].to_pylist()
    prices[0] = 99.5
    price = PRODUTOS.arrow_schema().field("PRECO_DE_LISTA")
    changed = changed.set_column(5, price, pa.array(prices, pa.float32()))

    result = loaded.load_dimension(PRODUTOS.name, changed)

    assert result.rows == {PRODUTOS.name: 10}
    assert loaded.read_table(PRODUTOS.name).equals(_sorted(changed, PRODUTOS))
    assert loaded.read_table(PRODUTOS.name)["PRECO_DE_LISTA"][0].as_py() == 99.5


def test_load_dimension_refuses_to_orphan_invoices(loaded, sample):
    fewer = sample.sellers(2)

    with pytest.raises(DataIntegrityError) as caught:
        loaded.load_dimension(VENDEDORES.name, fewer)

    assert str(caught.value) == (
        f"cannot replace tabela_de_vendedores in {loaded.describe()}: notas_fiscais still "
        f"references MATRICULA 00237, 00238, which the new rows do not contain. The database "
        f"holds invoices of another scenario (seed or profile); use another database or clear "
        f"this one first."
    )
    assert loaded.read_table(VENDEDORES.name).equals(sample.sellers())


def test_load_dimension_rejects_repeated_keys_and_fact_tables(database, sample):
    database.ensure_schema()
    twice = pa.concat_tables([sample.sellers(), sample.sellers(1)])

    with pytest.raises(ValueError, match=r"repeat the primary key MATRICULA: \['00235'\]"):
        database.load_dimension(VENDEDORES.name, twice)
    with pytest.raises(ValueError, match="notas_fiscais cannot be used here; expected one of"):
        database.load_dimension(NOTAS.name, sample.sellers())


def test_replace_day_twice_gives_the_same_content(loaded, sample):
    before = {name: loaded.read_table(name) for name in TABLES}

    result = loaded.replace_day(DAY, sample.day_blocks(DAY, 1_000, 120))

    assert result.rows == {NOTAS.name: 120, ITENS.name: _item_count(sample, DAY, 1_000, 120)}
    for name in TABLES:
        assert loaded.read_table(name).equals(before[name]), name


def test_replace_day_replaces_the_day_only(loaded, sample):
    smaller = sample.day_blocks(DAY, 1_000, 40, seed=99)

    loaded.replace_day(DAY, smaller)

    assert loaded.read_table(NOTAS.name, DAY).equals(sample.concat(smaller, 0))
    assert loaded.read_table(ITENS.name, DAY).equals(_sorted(sample.concat(smaller, 1), ITENS))
    assert loaded.read_table(NOTAS.name, NEXT_DAY).num_rows == 30
    assert loaded.day_counts(DAY, NEXT_DAY) == {
        DAY: (40, sample.concat(smaller, 1).num_rows),
        NEXT_DAY: (30, _item_count(sample, NEXT_DAY, 2_000, 30)),
    }


def test_day_counts_lists_only_days_with_invoices(loaded, sample):
    items, next_items = (
        _item_count(sample, DAY, 1_000, 120),
        _item_count(sample, NEXT_DAY, 2_000, 30),
    )

    assert loaded.day_counts(date(2024, 1, 1), date(2024, 12, 31)) == {
        DAY: (120, items),
        NEXT_DAY: (30, _item_count(sample, NEXT_DAY, 2_000, 30)),
    }
    assert loaded.day_counts(NEXT_DAY, NEXT_DAY) == {NEXT_DAY: (30, next_items)}
    assert loaded.day_counts(date(2023, 1, 1), date(2023, 12, 31)) == {}


@pytest.mark.parametrize("rows_per_read", [1, 500_000])
def test_read_days_gives_every_day_of_the_range_as_read_table_does(
    loaded, rows_per_read, monkeypatch
):
    # One row per read forces a query per day; the default reads the whole range at once.
    monkeypatch.setattr(operational, "ROWS_PER_READ", rows_per_read)
    before = DAY - timedelta(days=1)

    for table in (NOTAS.name, ITENS.name):
        days = list(loaded.read_days(table, before, NEXT_DAY))

        assert [day for day, _ in days] == [before, DAY, NEXT_DAY]
        assert days[0][1].num_rows == 0
        assert days[0][1].schema == loaded.read_table(table, DAY).schema
        assert days[1][1].equals(loaded.read_table(table, DAY))
        assert days[2][1].equals(loaded.read_table(table, NEXT_DAY))


def test_replace_days_commits_each_day_on_its_own(loaded, sample):
    before = loaded.read_table(ITENS.name, NEXT_DAY)
    later = NEXT_DAY + timedelta(days=1)

    def broken():
        yield sample.day_blocks(NEXT_DAY, 2_000, 5)[0]
        raise RuntimeError("generator died")

    results = loaded.replace_days(
        [(later, sample.day_blocks(later, 3_000, 40)), (NEXT_DAY, broken())]
    )
    first = next(results)
    with pytest.raises(RuntimeError, match="generator died"):
        next(results)

    assert first.rows[NOTAS.name] == 40
    assert loaded.day_counts(later, later) == {later: (40, first.rows[ITENS.name])}
    assert loaded.read_table(ITENS.name, NEXT_DAY).equals(before)


def test_small_consecutive_days_share_a_transaction_and_big_days_stream_alone(sample, monkeypatch):
    monkeypatch.setattr(operational, "GROUP_ROWS", 500)
    days = [date(2024, 5, d) for d in (1, 2, 3, 5)]
    small = [(day, sample.day_blocks(day, 1_000 * i, 20)) for i, day in enumerate(days, 1)]
    big_day = date(2024, 5, 6)
    big = (big_day, iter(sample.day_blocks(big_day, 9_000, 400, block_size=200)))

    groups = list(operational.group_days([*small, big]))

    assert [(g.first, g.last) for g in groups] == [
        (days[0], days[2]),  # a gap before the 5th starts a new group
        (days[3], days[3]),
        (big_day, big_day),
    ]
    assert sum(len(notas) for notas, _ in groups[0].blocks) == 60
    assert list(groups[0].day_rows) == days[:3]
    assert groups[0].day_rows[days[0]][NOTAS.name] == 20  # counted as the blocks streamed
    assert groups[2].day_rows is None  # a large first block: streamed alone, never gathered
    assert sum(len(notas) for notas, _ in groups[2].blocks) == 400


def test_a_failing_block_iterator_leaves_the_day_as_it_was(loaded, sample):
    before = loaded.read_table(ITENS.name, DAY)

    def blocks():
        yield from sample.day_blocks(DAY, 1_000, 200, seed=5)[:1]
        raise RuntimeError("generator broke")

    with pytest.raises(RuntimeError, match="generator broke"):
        loaded.replace_day(DAY, blocks())

    assert loaded.read_table(ITENS.name, DAY).equals(before)
    assert loaded.day_counts(DAY, DAY) == {DAY: (120, before.num_rows)}


def test_a_duplicate_key_leaves_the_day_as_it_was(loaded, sample):
    before = loaded.read_table(NOTAS.name, DAY)
    blocks = sample.day_blocks(DAY, 1_000, 100, block_size=50)
    blocks.append(sample.day_blocks(DAY, 1_010, 1)[0])  # invoice 1010 again

    with pytest.raises(DataIntegrityError) as caught:
        loaded.replace_day(DAY, blocks)

    assert "notas_fiscais" in str(caught.value)
    assert "1010" in str(caught.value)
    assert str(caught.value).endswith("Nothing was changed.")
    assert loaded.read_table(NOTAS.name, DAY).equals(before)


KILLED_MID_LOAD = """
import json, sys, time
import pyarrow.ipc as ipc
from datetime import date, timedelta
from datagen_platform import resources

config = json.loads(sys.argv[1])
database = getattr(resources, config.pop("class"))(**config)
day = date.fromisoformat(sys.argv[2])

def blocks():
    yield tuple(ipc.open_file(path).read_all() for path in sys.argv[3:5])
    print("loading", flush=True)
    time.sleep(60)

database.replace_day(day, blocks())
"""


def test_a_process_killed_mid_load_leaves_the_day_as_it_was(loaded, sample, tmp_path):
    before = loaded.read_table(ITENS.name, DAY)
    paths = [tmp_path / "notas.arrow", tmp_path / "itens.arrow"]
    for path, table in zip(paths, sample.day_blocks(DAY, 1_000, 40, seed=3)[0], strict=True):
        with ipc.new_file(path, table.schema) as writer:
            writer.write_table(table)
    config = json.dumps({"class": type(loaded).__name__, **loaded.model_dump()})
    command = [sys.executable, "-c", KILLED_MID_LOAD, config, DAY.isoformat(), *map(str, paths)]

    loader = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        # The first block is loaded and the transaction open when the generator says so.
        assert loader.stdout.readline().strip() == "loading"
    finally:
        loader.send_signal(signal.SIGKILL)
        loader.wait(timeout=30)

    assert loaded.read_table(ITENS.name, DAY).equals(before)
    assert loaded.day_counts(DAY, DAY) == {DAY: (120, before.num_rows)}


def test_replace_day_refuses_rows_of_another_day(loaded, sample):
    blocks = sample.day_blocks(DAY, 1_000, 20, block_size=10) + sample.day_blocks(
        NEXT_DAY, 5_000, 5
    )

    with pytest.raises(ValueError) as caught:
        loaded.replace_day(DAY, blocks)

    assert str(caught.value) == (
        "block 2 for 2024-03-08 holds invoices dated 2024-03-09: "
        "replace_day only writes invoices of the day it replaces"
    )
    assert loaded.day_counts(DAY, DAY)[DAY][0] == 120


def test_replace_day_refuses_items_outside_their_block(loaded, sample):
    (notas, _), (_, other_itens) = sample.day_blocks(DAY, 1_000, 20, block_size=10)

    with pytest.raises(ValueError) as caught:
        loaded.replace_day(DAY, [(notas, other_itens)])

    assert str(caught.value).startswith(
        "block 0 for 2024-03-08 holds items of invoices that are not in the block: NUMERO [1010"
    )


def test_unknown_tables_and_days_of_dimensions_are_refused(database):
    database.ensure_schema()

    with pytest.raises(ValueError) as caught:
        database.read_table("clientes")
    assert str(caught.value) == (
        "unknown table 'clientes'; expected one of: tabela_de_clientes, tabela_de_vendedores, "
        "tabela_de_produtos, notas_fiscais, itens_notas_fiscais"
    )
    with pytest.raises(ValueError, match="tabela_de_produtos has no sales day; pass day only"):
        database.read_table(PRODUTOS.name, DAY)


def test_reading_before_the_schema_exists_says_what_to_do(database):
    with pytest.raises(SchemaMismatchError, match="ensure_schema first"):
        database.read_table(NOTAS.name)


@pytest.mark.mariadb
def test_mariadb_and_embedded_hold_the_same_content(mariadb_resource, embedded_resource, sample):
    blocks = sample.day_blocks(DAY, 1_000, 300, block_size=64)
    for database in (mariadb_resource, embedded_resource):
        database.ensure_schema()
        for name, rows in _dimensions(sample).items():
            database.load_dimension(name, rows)
        database.replace_day(DAY, blocks)

    for name in TABLES:
        from_mariadb = mariadb_resource.read_table(name)
        assert from_mariadb.equals(embedded_resource.read_table(name)), name
        assert from_mariadb.num_rows > 0
    assert mariadb_resource.read_table(ITENS.name, DAY).equals(
        embedded_resource.read_table(ITENS.name, DAY)
    )
    assert mariadb_resource.read_table(CLIENTES.name).equals(_sorted(sample.customers(), CLIENTES))
    assert mariadb_resource.day_counts(DAY, DAY) == embedded_resource.day_counts(DAY, DAY)


def test_load_result_rate():
    assert LoadResult({"a": 300, "b": 100}, 2.0).rows_per_second == 200.0
    assert LoadResult({"a": 0}, 0.0).rows_per_second == 0.0


def test_operational_database_follows_the_settings(tmp_path):
    embedded = operational_database(Settings(embedded_path=tmp_path / "var" / "ops.duckdb"))
    mariadb = operational_database(
        Settings(mariadb=MariaDBSettings("db.internal", 3307, "app", "s3cret", "vendas"))
    )

    assert isinstance(embedded, EmbeddedDuckDBResource)
    assert (tmp_path / "var").is_dir()
    assert embedded.describe() == f"embedded DuckDB {tmp_path / 'var' / 'ops.duckdb'}"
    assert isinstance(mariadb, MariaDBResource)
    assert mariadb.describe() == "MariaDB app@db.internal:3307/vendas"
    assert mariadb.password == "s3cret"


def test_a_password_from_the_environment_reaches_the_resource_as_its_variable(monkeypatch):
    monkeypatch.setenv("MARIADB_PASSWORD", "s3cret")
    settings = Settings(mariadb=MariaDBSettings("db.internal", password="s3cret"))

    config = operational_database(settings)._get_non_default_public_field_values()

    # The UI shows resource config: it must show the variable's name, not the secret.
    assert isinstance(config["password"], dg.EnvVar)
    assert config["password"] == "MARIADB_PASSWORD"


def test_a_generated_day_reads_back_exactly_as_generated(database):
    scenario = Scenario(seed=7, profile=load_profile("classic"), start_date=date(2015, 1, 1))
    database.ensure_schema(scenario.profile.numero_type)
    for table in (CLIENTES, VENDEDORES, PRODUTOS):
        database.load_dimension(table.name, generate_dimension(scenario, table.name))

    result = database.replace_day(DAY, iter_day_blocks(scenario, DAY))

    facts = generate_day(scenario, DAY)
    assert result.rows == {NOTAS.name: facts.notas.num_rows, ITENS.name: facts.itens.num_rows}
    assert database.read_table(NOTAS.name, DAY).equals(_sorted(facts.notas, NOTAS))
    assert database.read_table(ITENS.name, DAY).equals(_sorted(facts.itens, ITENS))
    clientes = generate_dimension(scenario, CLIENTES.name)
    assert database.read_table(CLIENTES.name).equals(_sorted(clientes, CLIENTES))
