"""KPI assets end to end: an embedded source, silver partitions, DuckDB, the gold lake and the
warehouse file."""

import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from dagster_duckdb import DuckDBResource

from datagen_platform import schema
from datagen_platform.assets.kpi import build_kpi_assets, kpi_key, missing_days
from datagen_platform.assets.silver import build_silver_assets, silver_key
from datagen_platform.errors import ConfigError
from datagen_platform.partitions import daily_partitions
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.embedded import EmbeddedDuckDBResource

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
DAYS = [date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)]
PARTITIONS = daily_partitions(DAYS[0])


def _source_tables() -> dict[str, pa.Table]:
    customers = [
        {"CPF": cpf, "NOME": name, "VOLUME_DE_COMPRA": 100.0}
        for cpf, name in (("111", "Ana"), ("222", "Bruno"))
    ]
    sellers = [{"MATRICULA": "00235", "NOME": "Márcio", "PERCENTUAL_COMISSAO": 0.1}]
    products = [
        {"CODIGO_DO_PRODUTO": "P1", "SABOR": "Uva", "PRECO_DE_LISTA": 5.0},
        {"CODIGO_DO_PRODUTO": "P2", "SABOR": "Manga", "PRECO_DE_LISTA": 2.5},
    ]
    # Invoice n is sold on DAYS[n % 3] to customer 111 (odd n) or 222 (even n).
    invoices = [
        {
            "CPF": "111" if n % 2 else "222",
            "MATRICULA": "00235",
            "DATA_VENDA": DAYS[n % 3],
            "NUMERO": n,
            "IMPOSTO": 0.1,
        }
        for n in range(1, 7)
    ]
    items = [
        {"NUMERO": n, "CODIGO_DO_PRODUTO": code, "QUANTIDADE": n, "PRECO": price}
        for n in range(1, 7)
        for code, price in (("P1", 5.0), ("P2", 2.5))
    ]
    rows = {
        "tabela_de_clientes": customers,
        "tabela_de_vendedores": sellers,
        "tabela_de_produtos": products,
        "notas_fiscais": invoices,
        "itens_notas_fiscais": items,
    }
    return {
        name: pa.Table.from_pylist(table_rows, schema=schema.TABLES[name].arrow_schema())
        for name, table_rows in rows.items()
    }


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A source database with three sales days and a lake whose silver layer holds all of them."""
    folder = tmp_path_factory.mktemp("filled")
    source = EmbeddedDuckDBResource(path=str(folder / "sucos_vendas.duckdb"))
    tables = _source_tables()
    source.ensure_schema()
    for table in schema.DIMENSIONS:
        source.load_dimension(table.name, tables[table.name])
    notas, itens = tables["notas_fiscais"], tables["itens_notas_fiscais"]
    for day in DAYS:
        day_notas = notas.filter(pc.equal(notas["DATA_VENDA"], pa.scalar(day)))
        day_itens = itens.filter(pc.is_in(itens["NUMERO"], day_notas["NUMERO"]))
        source.replace_day(day, [(day_notas, day_itens)])
    resources = {"operational_db": source, "lake": DatalakeResource(root=str(folder / "lake"))}

    silver = build_silver_assets(PARTITIONS)
    dg.materialize(
        [a for a in silver if a.partitions_def is None], resources=resources, run_config=QUIET
    )
    tags = {
        "dagster/asset_partition_range_start": DAYS[0].isoformat(),
        "dagster/asset_partition_range_end": DAYS[-1].isoformat(),
    }
    dg.materialize(
        [a for a in silver if a.partitions_def is not None],
        resources=resources,
        tags=tags,
        run_config=QUIET,
    )
    return resources


@pytest.fixture
def resources(filled: dict[str, object], tmp_path: Path) -> dict[str, object]:
    """The shared source, a copy of the filled lake and an empty warehouse, all for one test."""
    shutil.copytree(filled["lake"].root, tmp_path / "lake")
    return {
        "operational_db": filled["operational_db"],
        "lake": DatalakeResource(root=str(tmp_path / "lake")),
        "warehouse": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
    }


def _kpis(*names: str, templates_dir: Path | None = None) -> list[dg.AssetsDefinition]:
    kwargs = {"templates_dir": templates_dir} if templates_dir else {}
    assets = build_kpi_assets(partitions_def=PARTITIONS, **kwargs)
    return [a for a in assets if not names or a.key.path[-1] in names]


def _error_of(run: dg.ExecuteInProcessResult) -> str:
    failures = [event for event in run.all_events if event.is_step_failure]
    error = failures[0].step_failure_data.error
    messages = []
    while error is not None:  # Dagster wraps the asset's own error as the cause of its own
        messages.append(error.message)
        error = error.cause
    return "\n".join(messages)


def test_kpi_lands_in_the_lake_and_the_warehouse(
    resources: dict[str, object], tmp_path: Path
) -> None:

    run = dg.materialize(_kpis("monthly_revenue"), resources=resources, run_config=QUIET)

    # Items: invoice n has n litres at 5.0 and n at 2.5, so 7.5 * n; invoices 1..6 sum to 157.5.
    expected = [(date(2024, 3, 1), 157.5, 6, 12, 26.25)]
    gold = pq.read_table(tmp_path / "lake/gold/kpi/monthly_revenue.parquet")
    assert [tuple(row.values()) for row in gold.to_pylist()] == expected
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT * FROM kpi.monthly_revenue").fetchall() == expected
    (event,) = run.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert event.asset_key == kpi_key("monthly_revenue")
    assert metadata["dagster/row_count"].value == 1
    assert metadata["path"].value == (tmp_path / "lake/gold/kpi/monthly_revenue.parquet").as_posix()
    assert metadata["warehouse_table"].value == "kpi.monthly_revenue"
    assert (
        "| 2024-03-01 |     157.5 |          6 |      12 |            26.25 |"
        in metadata["preview"].value
    )


def test_run_config_overrides_a_template_parameter(resources: dict[str, object]) -> None:
    config = {"ops": {"kpi__top_customers": {"config": {"parameters": {"top_n": 1}}}}}

    dg.materialize(_kpis("top_customers"), resources=resources, run_config={**QUIET, **config})

    lake = resources["lake"]
    top = lake.read_table("gold/kpi/top_customers.parquet").to_pylist()
    # 222 bought invoices 2, 4 and 6: 7.5 * 12 = 90.0; 111 bought 1, 3, 5: 67.5.
    assert top == [
        {
            "year": 2024,
            "rank": 1,
            "customer_id": "222",
            "customer_name": "Bruno",
            "revenue": 90.0,
            "invoices": 3,
        }
    ]


def test_unknown_parameter_in_run_config_names_the_template(resources: dict[str, object]) -> None:
    config = {"ops": {"kpi__top_customers": {"config": {"parameters": {"top": 1}}}}}

    run = dg.materialize(
        _kpis("top_customers"),
        resources=resources,
        run_config={**QUIET, **config},
        raise_on_error=False,
    )

    assert not run.success
    assert "KPI template top_customers.sql has no parameter top; it declares: top_n" in (
        _error_of(run)
    )


def test_missing_silver_days_are_named(resources: dict[str, object], tmp_path: Path) -> None:
    for day in DAYS[1:]:
        shutil.rmtree(tmp_path / f"lake/silver/sucos_vendas/notas_fiscais/date={day}")
        shutil.rmtree(tmp_path / f"lake/silver/sucos_vendas/itens_notas_fiscais/date={day}")

    run = dg.materialize(
        _kpis("monthly_revenue"), resources=resources, run_config=QUIET, raise_on_error=False
    )

    message = _error_of(run)
    assert "DataIntegrityError" in message
    assert (
        "silver/sucos_vendas/notas_fiscais lacks 2 day(s) the source database has: "
        "2024-03-02..2024-03-03"
    ) in message


def test_corrupt_silver_file_is_named(resources: dict[str, object], tmp_path: Path) -> None:
    bad = tmp_path / "lake/silver/sucos_vendas/notas_fiscais/date=2024-03-02/part-0.parquet"
    bad.write_bytes(b"not parquet at all")

    run = dg.materialize(
        _kpis("items_per_invoice"), resources=resources, run_config=QUIET, raise_on_error=False
    )

    assert f"{bad.as_posix()} is not a readable Parquet file" in _error_of(run)


def test_missing_days_ignores_days_without_rows() -> None:
    counts = {DAYS[0]: (3, 7), DAYS[1]: (2, 0), DAYS[2]: (1, 1)}

    assert missing_days("notas_fiscais", [DAYS[0]], counts) == [DAYS[1], DAYS[2]]
    assert missing_days("itens_notas_fiscais", [DAYS[0]], counts) == [DAYS[2]]


def test_new_template_file_becomes_an_asset(resources: dict[str, object], tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "litres_by_flavor.sql").write_text(
        "-- description: Litres sold per flavour, one row per flavour.\n"
        "SELECT products.SABOR AS flavor, sum(items.QUANTIDADE) AS litres\n"
        "FROM {{ silver('itens_notas_fiscais') }} AS items\n"
        "JOIN {{ silver('tabela_de_produtos') }} AS products USING (CODIGO_DO_PRODUTO)\n"
        "GROUP BY flavor ORDER BY flavor\n"
    )

    (asset,) = _kpis(templates_dir=templates)
    dg.materialize([asset], resources=resources, run_config=QUIET)

    spec = asset.specs_by_key[asset.key]
    assert asset.key == dg.AssetKey(["kpi", "litres_by_flavor"])
    assert set(asset.dependency_keys) == {
        silver_key("itens_notas_fiscais"),
        silver_key("tabela_de_produtos"),
    }
    assert spec.group_name == "kpi"
    assert spec.description == "Litres sold per flavour, one row per flavour."
    result = resources["lake"].read_table("gold/kpi/litres_by_flavor.parquet").to_pylist()
    assert result == [{"flavor": "Manga", "litres": 21}, {"flavor": "Uva", "litres": 21}]


def test_template_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.sql").write_text(
        "-- description: Broken on purpose.\nSELECT count(*)\nFROM {{ silver('notas_fiscais') }\n"
    )

    with pytest.raises(ConfigError, match=r"KPI template broken\.sql, line 3: unexpected '}'"):
        build_kpi_assets(templates_dir=tmp_path)


def test_unknown_silver_table_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "strange.sql").write_text(
        "-- description: Reads a table silver does not have.\n"
        "SELECT *\n"
        "FROM {{ silver('notas_fiscais') }}\n"
        "JOIN {{ silver('pedidos') }} USING (NUMERO)\n"
    )

    with pytest.raises(
        ConfigError, match=r"KPI template strange\.sql, line 4: unknown silver table 'pedidos'"
    ):
        build_kpi_assets(templates_dir=tmp_path)


def test_undeclared_parameter_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "limited.sql").write_text(
        "-- description: Uses a parameter it never declares.\n"
        "SELECT * FROM {{ silver('notas_fiscais') }}\n"
        "LIMIT {{ param('rows') }}\n"
    )

    with pytest.raises(
        ConfigError, match=r"KPI template limited\.sql, line 3: unknown parameter 'rows'"
    ):
        build_kpi_assets(templates_dir=tmp_path)


def test_template_failing_in_duckdb_names_template_and_line(
    resources: dict[str, object], tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "typo.sql").write_text(
        "-- description: Refers to a column that does not exist.\n"
        "SELECT\n"
        "    NUMERO,\n"
        "    VALOR_TOTAL_TYPO\n"
        "FROM {{ silver('itens_notas_fiscais') }}\n"
    )

    run = dg.materialize(
        _kpis(templates_dir=templates),
        resources=resources,
        run_config=QUIET,
        raise_on_error=False,
    )

    assert "KPI template typo.sql, line 4: Binder Error: Referenced column" in _error_of(run)
