"""Silver assets: typed, trimmed Parquet partitions read back from an embedded DuckDB source."""

from datetime import date
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from datagen_platform import schema
from datagen_platform.assets.silver import build_silver_assets, silver_key, to_silver
from datagen_platform.partitions import daily_partitions
from datagen_platform.resources import EmbeddedDuckDBResource, MariaDBResource
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.operational import OperationalDatabaseResource

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
DAY_1, DAY_2, DAY_3 = date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)


def _source_tables() -> dict[str, pa.Table]:
    rows = {
        "tabela_de_clientes": [
            {
                "CPF": "1471156710",
                "NOME": " Érica Carvalho ",
                "ENDERECO_1": "R. Iriquitia",
                "ENDERECO_2": "",
                "BAIRRO": "Jardins",
                "CIDADE": "São Paulo",
                "ESTADO": "SP",
                "CEP": "80012212",
                "DATA_DE_NASCIMENTO": date(1990, 9, 1),
                "IDADE": 33,
                "SEXO": "F",
                "LIMITE_DE_CREDITO": 170000.0,
                "VOLUME_DE_COMPRA": 24500.0,
                "PRIMEIRA_COMPRA": False,
            },
        ],
        "tabela_de_vendedores": [
            {
                "MATRICULA": "00235",
                "NOME": "Márcio Almeida Silva  ",
                "PERCENTUAL_COMISSAO": 0.08,
                "DATA_ADMISSAO": date(2014, 8, 15),
                "DE_FERIAS": False,
                "BAIRRO": "Tijuca",
            },
            {
                "MATRICULA": "00236",
                "NOME": "Cláudia Morais",
                "PERCENTUAL_COMISSAO": 0.11,
                "DATA_ADMISSAO": date(2013, 9, 17),
                "DE_FERIAS": True,
                "BAIRRO": "Jardins",
            },
        ],
        "tabela_de_produtos": [
            {
                "CODIGO_DO_PRODUTO": "1000889",
                "NOME_DO_PRODUTO": "Sabor da Montanha - 700 ml - Uva",
                "EMBALAGEM": "Garrafa",
                "TAMANHO": "700 ml",
                "SABOR": "Uva",
                "PRECO_DE_LISTA": 6.31,
            },
        ],
        "notas_fiscais": [
            {
                "CPF": "1471156710",
                "MATRICULA": "00235",
                "DATA_VENDA": DAY_1,
                "NUMERO": 100,
                "IMPOSTO": 0.1,
            },
            {
                "CPF": "1471156710",
                "MATRICULA": "00236",
                "DATA_VENDA": DAY_1,
                "NUMERO": 101,
                "IMPOSTO": 0.1,
            },
            {
                "CPF": "1471156710",
                "MATRICULA": "00235",
                "DATA_VENDA": DAY_2,
                "NUMERO": 102,
                "IMPOSTO": 0.12,
            },
        ],
        "itens_notas_fiscais": [
            {"NUMERO": 100, "CODIGO_DO_PRODUTO": "1000889", "QUANTIDADE": 3, "PRECO": 5.37},
            {"NUMERO": 101, "CODIGO_DO_PRODUTO": "1000889", "QUANTIDADE": 10, "PRECO": 6.31},
            {"NUMERO": 102, "CODIGO_DO_PRODUTO": "1000889", "QUANTIDADE": 7, "PRECO": 6.31},
        ],
    }
    return {
        name: pa.Table.from_pylist(table_rows, schema=schema.TABLES[name].arrow_schema())
        for name, table_rows in rows.items()
    }


@pytest.fixture
def source(embedded_resource: EmbeddedDuckDBResource) -> EmbeddedDuckDBResource:
    load_source(embedded_resource, _source_tables())
    return embedded_resource


def load_source(db: OperationalDatabaseResource, tables: dict[str, pa.Table]) -> None:
    """Load whole dimensions, then each sales day's invoices with their items."""
    db.ensure_schema()
    for table in schema.DIMENSIONS:
        db.load_dimension(table.name, tables[table.name])
    notas, itens = tables["notas_fiscais"], tables["itens_notas_fiscais"]
    for day in sorted(set(notas["DATA_VENDA"].to_pylist())):
        day_notas = notas.filter(pc.equal(notas["DATA_VENDA"], pa.scalar(day)))
        day_itens = itens.filter(pc.is_in(itens["NUMERO"], day_notas["NUMERO"]))
        db.replace_day(day, [(day_notas, day_itens)])


@pytest.fixture
def lake(tmp_path: Path) -> DatalakeResource:
    return DatalakeResource(root=str(tmp_path / "lake"))


def _assets() -> dict[str, dg.AssetsDefinition]:
    assets = build_silver_assets(daily_partitions(DAY_1))
    return {assets_def.key.path[-1]: assets_def for assets_def in assets}


def test_items_get_exact_prices_and_their_total() -> None:
    silver = to_silver("itens_notas_fiscais", _source_tables()["itens_notas_fiscais"])

    assert silver.column_names == [
        "NUMERO",
        "CODIGO_DO_PRODUTO",
        "QUANTIDADE",
        "PRECO",
        "VALOR_TOTAL",
    ]
    assert silver["PRECO"].to_pylist() == [5.37, 6.31, 6.31]
    assert silver["VALOR_TOTAL"].to_pylist() == [3 * 5.37, 10 * 6.31, 7 * 6.31]
    assert silver.schema.field("VALOR_TOTAL").type == pa.float64()


def test_invoices_get_year_month_exact_rate_and_item_totals() -> None:
    tables = _source_tables()
    items = to_silver("itens_notas_fiscais", tables["itens_notas_fiscais"])
    notas = tables["notas_fiscais"]
    extra = pa.Table.from_pylist(
        [
            {
                "CPF": "1471156710",
                "MATRICULA": "00235",
                "DATA_VENDA": DAY_3,
                "NUMERO": 103,
                "IMPOSTO": 0.1,
            }
        ],
        schema=notas.schema,
    )

    silver = to_silver("notas_fiscais", pa.concat_tables([notas, extra]), items)

    assert silver["ANO"].to_pylist() == [2024, 2024, 2024, 2024]
    assert silver["MES"].to_pylist() == [3, 3, 3, 3]
    assert silver["IMPOSTO"].to_pylist() == [0.1, 0.1, 0.12, 0.1]
    assert silver.schema.field("DATA_VENDA").type == pa.date32()
    # Invoice 103 has no items: zero totals, not missing ones.
    assert silver["ITENS"].to_pylist() == [1, 1, 1, 0]
    assert silver["LITROS"].to_pylist() == [3, 10, 7, 0]
    assert silver["VALOR_TOTAL"].to_pylist() == [3 * 5.37, 10 * 6.31, 7 * 6.31, 0.0]


def test_invoices_without_their_items_are_refused() -> None:
    with pytest.raises(ValueError, match="need the silver items of the same day"):
        to_silver("notas_fiscais", _source_tables()["notas_fiscais"])


def test_dimension_strings_are_trimmed_and_bits_are_booleans() -> None:
    sellers = to_silver("tabela_de_vendedores", _source_tables()["tabela_de_vendedores"])
    customers = to_silver("tabela_de_clientes", _source_tables()["tabela_de_clientes"])

    assert sellers["NOME"].to_pylist() == ["Márcio Almeida Silva", "Cláudia Morais"]
    assert sellers["DE_FERIAS"].to_pylist() == [False, True]
    assert sellers["PERCENTUAL_COMISSAO"].to_pylist() == [0.08, 0.11]
    assert customers["NOME"].to_pylist() == ["Érica Carvalho"]
    assert customers.schema.field("PRIMEIRA_COMPRA").type == pa.bool_()


def test_bigint_invoice_numbers_stay_bigint() -> None:
    notas = _source_tables()["notas_fiscais"]
    wide = notas.cast(schema.NOTAS.arrow_schema("bigint"))

    items = to_silver("itens_notas_fiscais", _source_tables()["itens_notas_fiscais"])
    assert to_silver("notas_fiscais", wide, items).schema.field("NUMERO").type == pa.int64()


def test_ranged_run_writes_one_partition_per_day(
    source: EmbeddedDuckDBResource, lake: DatalakeResource, tmp_path: Path
) -> None:
    assets = _assets()
    result = dg.materialize(
        [assets["notas_fiscais"], assets["itens_notas_fiscais"]],
        resources={"operational_db": source, "lake": lake},
        tags={
            "dagster/asset_partition_range_start": DAY_1.isoformat(),
            "dagster/asset_partition_range_end": DAY_3.isoformat(),
        },
        run_config=QUIET,
    )

    assert result.success
    assert lake.list_partitions("notas_fiscais") == [DAY_1, DAY_2, DAY_3]
    per_partition = {
        (event.asset_key.path[-1], event.partition): event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    counts = {key: meta["dagster/row_count"].value for key, meta in per_partition.items()}
    assert counts == {
        ("notas_fiscais", "2024-03-01"): 2,
        ("notas_fiscais", "2024-03-02"): 1,
        ("notas_fiscais", "2024-03-03"): 0,
        ("itens_notas_fiscais", "2024-03-01"): 2,
        ("itens_notas_fiscais", "2024-03-02"): 1,
        ("itens_notas_fiscais", "2024-03-03"): 0,
    }
    day_2 = per_partition[("itens_notas_fiscais", "2024-03-02")]
    expected = tmp_path / "lake/silver/sucos_vendas/itens_notas_fiscais/date=2024-03-02"
    assert day_2["path"].value == (expected / "part-0.parquet").as_posix()
    assert day_2["bytes_written"].value == (expected / "part-0.parquet").stat().st_size
    columns = [column.name for column in day_2["dagster/column_schema"].schema.columns]
    assert columns == ["NUMERO", "CODIGO_DO_PRODUTO", "QUANTIDADE", "PRECO", "VALOR_TOTAL"]


def test_same_partition_twice_gives_the_same_bytes(
    source: EmbeddedDuckDBResource, lake: DatalakeResource
) -> None:
    asset = _assets()["itens_notas_fiscais"]
    resources = {"operational_db": source, "lake": lake}

    dg.materialize([asset], resources=resources, partition_key="2024-03-01", run_config=QUIET)
    path = Path(lake.uri(lake.silver_file("itens_notas_fiscais", DAY_1)))
    first = path.read_bytes()
    dg.materialize([asset], resources=resources, partition_key="2024-03-01", run_config=QUIET)

    assert path.read_bytes() == first
    assert lake.read_silver("itens_notas_fiscais", DAY_1)["NUMERO"].to_pylist() == [100, 101]


def test_dimension_asset_called_directly_writes_its_snapshot(
    source: EmbeddedDuckDBResource, lake: DatalakeResource
) -> None:
    asset = _assets()["tabela_de_vendedores"]
    context = dg.build_asset_context(resources={"operational_db": source, "lake": lake})

    result = asset(context)

    assert result.metadata["dagster/row_count"] == 2
    assert result.metadata["path"].value == lake.uri(
        "silver/sucos_vendas/tabela_de_vendedores/part-0.parquet"
    )
    assert lake.read_silver("tabela_de_vendedores")["MATRICULA"].to_pylist() == ["00235", "00236"]


def test_silver_specs_follow_their_sources() -> None:
    assets = _assets()

    facts = assets["notas_fiscais"]
    assert facts.key == silver_key("notas_fiscais")
    assert facts.partitions_def == daily_partitions(DAY_1)
    assert facts.backfill_policy == dg.BackfillPolicy.single_run()
    assert set(facts.dependency_keys) == {
        dg.AssetKey(["sucos_vendas", "notas_fiscais"]),
        dg.AssetKey(["sucos_vendas", "itens_notas_fiscais"]),
    }
    assert set(assets["itens_notas_fiscais"].dependency_keys) == {
        dg.AssetKey(["sucos_vendas", "itens_notas_fiscais"])
    }
    assert facts.specs_by_key[facts.key].group_name == "silver"
    assert facts.specs_by_key[facts.key].kinds == {"parquet", "duckdb"}
    assert assets["tabela_de_clientes"].partitions_def is None
    assert sorted(assets) == sorted(schema.TABLES)


def test_silver_bytes_do_not_depend_on_the_source_backend(
    source: EmbeddedDuckDBResource, mariadb_resource: MariaDBResource, tmp_path: Path
) -> None:
    load_source(mariadb_resource, _source_tables())
    tags = {
        "dagster/asset_partition_range_start": DAY_1.isoformat(),
        "dagster/asset_partition_range_end": DAY_2.isoformat(),
    }
    lakes = {}
    for name, db in (("embedded", source), ("mariadb", mariadb_resource)):
        lakes[name] = tmp_path / name
        resources = {"operational_db": db, "lake": DatalakeResource(root=str(lakes[name]))}
        assets = list(_assets().values())
        facts = [a for a in assets if a.partitions_def is not None]
        dg.materialize([a for a in assets if a not in facts], resources=resources, run_config=QUIET)
        dg.materialize(facts, resources=resources, tags=tags, run_config=QUIET)

    files = sorted(p.relative_to(lakes["embedded"]) for p in lakes["embedded"].rglob("*.parquet"))
    assert len(files) == 7  # three snapshots and two days of two fact tables
    for file in files:
        assert (lakes["mariadb"] / file).read_bytes() == (lakes["embedded"] / file).read_bytes()
