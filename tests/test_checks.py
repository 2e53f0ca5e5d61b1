import dataclasses
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pymysql
import pytest

from datagen_platform import schema
from datagen_platform.assets.kpi import gold_path, kpi_key
from datagen_platform.assets.silver import silver_key
from datagen_platform.assets.sucos_vendas import source_key
from datagen_platform.checks import source_rule_violations
from datagen_platform.config import Settings
from datagen_platform.definitions import build_definitions
from datagen_platform.jobs import DAILY_JOB, KPI_JOB
from datagen_platform.resources.datalake import DatalakeResource

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
NOTAS = source_key("notas_fiscais")
ITENS = source_key("itens_notas_fiscais")
DAY = "2024-01-02"


def _run_days(defs, instance, job: str, first: str, last: str) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def(job).execute_in_process(
        instance=instance,
        run_config=QUIET,
        raise_on_error=False,
        tags={
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
    )


def _run_selection(defs, selection: dg.AssetSelection, day: str) -> dg.ExecuteInProcessResult:
    """A run of `selection` tagged with one day, as a checks-only run launched from the UI."""
    job = dg.define_asset_job("checks_under_test", selection=selection)
    merged = dg.Definitions.merge(defs, dg.Definitions(jobs=[job]))
    with dg.instance_for_test() as instance:
        return merged.resolve_job_def("checks_under_test").execute_in_process(
            instance=instance,
            run_config=QUIET,
            raise_on_error=False,
            tags={"dagster/partition": day},
        )


def _evaluations(result) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    return {
        (e.asset_key.to_user_string(), e.check_name): e
        for e in result.get_asset_check_evaluations()
    }


def _sample(evaluation) -> str:
    return evaluation.metadata["sample"].value


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, small_world) -> tuple[Path, dict]:
    """Three days and the KPIs on an embedded database, once; with the daily run's checks."""
    folder = tmp_path_factory.mktemp("loaded")
    defs = build_definitions(small_world(folder))
    with dg.instance_for_test() as instance:
        daily = _run_days(defs, instance, DAILY_JOB, "2024-01-01", "2024-01-03")
        kpis = defs.resolve_job_def(KPI_JOB).execute_in_process(
            instance=instance, run_config=QUIET, raise_on_error=False
        )
    assert daily.success and kpis.success
    return folder, {**_evaluations(daily), **_evaluations(kpis)}


@pytest.fixture
def world(loaded, tmp_path, small_world) -> Settings:
    folder, _ = loaded
    shutil.copy(folder / "ops.duckdb", tmp_path / "ops.duckdb")
    shutil.copytree(folder / "lake", tmp_path / "lake")
    return small_world(tmp_path)


def _execute(settings: Settings, sql: str, params: list) -> None:
    with duckdb.connect(str(settings.embedded_path)) as con:
        con.execute(sql, params)


def _numero(settings: Settings, rank: int = 0) -> int:
    with duckdb.connect(str(settings.embedded_path), read_only=True) as con:
        rows = con.execute(
            "SELECT NUMERO FROM notas_fiscais WHERE DATA_VENDA = ? ORDER BY NUMERO", [DAY]
        ).fetchall()
    return rows[rank][0]


def test_every_check_passes_on_generated_data_with_what_it_checked(loaded):
    _, evaluations = loaded

    assert sorted(evaluations) == [
        ("kpi/monthly_revenue", "revenue_reconciles_with_silver"),
        ("silver/sucos_vendas/itens_notas_fiscais", "row_count_matches_source"),
        ("silver/sucos_vendas/notas_fiscais", "row_count_matches_source"),
        ("sucos_vendas/itens_notas_fiscais", "foreign_keys_resolve"),
        ("sucos_vendas/itens_notas_fiscais", "primary_key_unique"),
        ("sucos_vendas/itens_notas_fiscais", "required_columns_not_null"),
        ("sucos_vendas/itens_notas_fiscais", "values_in_range"),
        ("sucos_vendas/notas_fiscais", "foreign_keys_resolve"),
        ("sucos_vendas/notas_fiscais", "primary_key_unique"),
        ("sucos_vendas/notas_fiscais", "required_columns_not_null"),
        ("sucos_vendas/notas_fiscais", "row_count_matches_plan"),
        ("sucos_vendas/notas_fiscais", "values_in_range"),
    ]
    assert all(e.passed for e in evaluations.values())
    plan = evaluations[("sucos_vendas/notas_fiscais", "row_count_matches_plan")]
    assert plan.metadata["days_checked"].value == 3
    assert plan.metadata["offending_rows"].value == 0


def test_source_checks_block_silver(world):
    graph = build_definitions(world).resolve_asset_graph()

    for key in (NOTAS, ITENS):
        specs = [
            graph.get_check_spec(check)
            for check in graph.asset_check_keys
            if check.asset_key == key
        ]
        assert specs and all(spec.blocking for spec in specs)


def test_a_quantity_changed_by_hand_fails_the_range_check_naming_the_invoice(world):
    numero = _numero(world)
    _execute(world, "UPDATE itens_notas_fiscais SET QUANTIDADE = 0 WHERE NUMERO = ?", [numero])
    result = _run_selection(
        build_definitions(world), dg.AssetSelection.checks_for_assets(ITENS), DAY
    )

    evaluation = _evaluations(result)[("sucos_vendas/itens_notas_fiscais", "values_in_range")]
    assert not evaluation.passed
    assert str(numero) in _sample(evaluation)
    assert "QUANTIDADE" in _sample(evaluation)
    assert evaluation.metadata["offending_rows"].value >= 1


def test_a_tax_rate_of_one_or_more_fails_the_range_check(world):
    numero = _numero(world, 1)
    _execute(world, "UPDATE notas_fiscais SET IMPOSTO = 1.0 WHERE NUMERO = ?", [numero])
    result = _run_selection(
        build_definitions(world), dg.AssetSelection.checks_for_assets(NOTAS), DAY
    )

    evaluations = _evaluations(result)
    evaluation = evaluations[("sucos_vendas/notas_fiscais", "values_in_range")]
    assert not evaluation.passed
    assert evaluation.metadata["offending_rows"].value == 1
    assert f"| {DAY} | {numero} | IMPOSTO | 1 |" in " ".join(_sample(evaluation).split())
    assert evaluations[("sucos_vendas/notas_fiscais", "row_count_matches_plan")].passed


def test_an_invoice_deleted_by_hand_fails_the_plan_check_naming_its_number(world):
    numero = _numero(world, 2)
    _execute(world, "DELETE FROM itens_notas_fiscais WHERE NUMERO = ?", [numero])
    _execute(world, "DELETE FROM notas_fiscais WHERE NUMERO = ?", [numero])
    result = _run_selection(
        build_definitions(world), dg.AssetSelection.checks_for_assets(NOTAS), DAY
    )

    evaluation = _evaluations(result)[("sucos_vendas/notas_fiscais", "row_count_matches_plan")]
    assert not evaluation.passed
    assert evaluation.metadata["offending_rows"].value == 1
    assert str(numero) in _sample(evaluation)
    assert "missing" in _sample(evaluation)


def test_a_failing_source_check_stops_silver_in_the_same_run(world):
    numero = _numero(world)
    _execute(world, "UPDATE notas_fiscais SET IMPOSTO = 2.5 WHERE NUMERO = ?", [numero])
    lake = DatalakeResource(root=world.datalake)
    before = lake.read_silver("notas_fiscais", date.fromisoformat(DAY))
    selection = dg.AssetSelection.checks_for_assets(NOTAS) | dg.AssetSelection.assets(
        silver_key("notas_fiscais")
    )
    result = _run_selection(build_definitions(world), selection, DAY)

    assert not result.success
    assert result.get_asset_materialization_events() == []
    assert lake.read_silver("notas_fiscais", date.fromisoformat(DAY)).equals(before)


def test_silver_rows_that_differ_from_the_source_fail_naming_the_day(world):
    numero = _numero(world)
    _execute(world, "DELETE FROM itens_notas_fiscais WHERE NUMERO = ?", [numero])
    selection = dg.AssetSelection.checks_for_assets(silver_key("itens_notas_fiscais"))
    result = _run_selection(build_definitions(world), selection, DAY)

    evaluation = _evaluations(result)[
        ("silver/sucos_vendas/itens_notas_fiscais", "row_count_matches_source")
    ]
    assert not evaluation.passed
    assert DAY in _sample(evaluation)


def test_a_kpi_revenue_that_does_not_reconcile_fails_naming_the_month(world):
    lake = DatalakeResource(root=world.datalake)
    kpi = lake.read_table(gold_path("monthly_revenue"))
    revenue = kpi.column("revenue").to_pylist()
    lake.write_table(
        gold_path("monthly_revenue"),
        kpi.set_column(1, "revenue", pa.array([revenue[0] + 10.0, *revenue[1:]])),
    )
    selection = dg.AssetSelection.checks_for_assets(kpi_key("monthly_revenue"))
    result = _run_selection(build_definitions(world), selection, DAY)

    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert "2024-01-01" in _sample(evaluation)
    assert evaluation.metadata["months_checked"].value == 1


def test_rules_name_duplicate_keys_and_nulls_in_tiny_tables():
    notas = pa.table(
        {
            "CPF": ["11111111111", None, "22222222222"],
            "MATRICULA": ["00235", "00235", "00236"],
            "DATA_VENDA": [date(2024, 1, 2)] * 3,
            "NUMERO": [7, 7, 8],
            "IMPOSTO": [0.1, 0.1, 0.0],
        }
    )
    with duckdb.connect() as con:
        con.register("tabela_de_clientes", pa.table({"CPF": ["11111111111"]}))
        con.register("tabela_de_vendedores", pa.table({"MATRICULA": ["00235", "00236"]}))
        found = source_rule_violations(con, schema.NOTAS, notas)

    assert found["primary_key_unique"].to_pylist() == [{"NUMERO": 7, "occurrences": 2}]
    assert found["required_columns_not_null"].to_pylist() == [{"NUMERO": 7, "null_column": "CPF"}]
    assert found["foreign_keys_resolve"].to_pylist() == [
        {"key_column": "CPF", "missing_value": "22222222222", "rows_affected": 1}
    ]
    assert found["values_in_range"].num_rows == 0


@pytest.mark.mariadb
def test_a_product_missing_in_mariadb_fails_the_foreign_key_check(
    mariadb_settings, mariadb_resource, tmp_path
):
    settings = dataclasses.replace(
        mariadb_settings,
        seed=7,
        profile="small",
        start_date=date(2024, 1, 1),
        datalake=str(tmp_path / "lake"),
        warehouse_path=tmp_path / "warehouse.duckdb",
    )
    defs = build_definitions(settings)
    with dg.instance_for_test() as instance:
        assert _run_days(defs, instance, DAILY_JOB, DAY, DAY).success
    m = settings.mariadb
    with (
        pymysql.connect(
            host=m.host,
            port=m.port,
            user=m.user,
            password=m.password,
            database=m.database,
            autocommit=True,
        ) as conn,
        conn.cursor() as cur,
    ):
        cur.execute("SELECT NUMERO, CODIGO_DO_PRODUTO FROM itens_notas_fiscais LIMIT 1")
        numero, product = cur.fetchone()
        cur.execute("SET FOREIGN_KEY_CHECKS = 0")
        cur.execute(
            "UPDATE itens_notas_fiscais SET CODIGO_DO_PRODUTO = 'X-404' "
            "WHERE NUMERO = %s AND CODIGO_DO_PRODUTO = %s",
            (numero, product),
        )
    result = _run_selection(defs, dg.AssetSelection.checks_for_assets(ITENS), DAY)

    evaluation = _evaluations(result)[("sucos_vendas/itens_notas_fiscais", "foreign_keys_resolve")]
    assert not evaluation.passed
    assert "X-404" in _sample(evaluation)
    assert "CODIGO_DO_PRODUTO" in _sample(evaluation)
