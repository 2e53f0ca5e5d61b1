from datetime import date

import dagster as dg
import pyarrow.parquet as pq
import pytest

from datagen_platform import schema
from datagen_platform.assets.silver import silver_key
from datagen_platform.assets.sucos_vendas import POOL, source_key
from datagen_platform.config import Settings
from datagen_platform.definitions import build_definitions
from datagen_platform.generation import Scenario, generate_day, load_profile
from datagen_platform.jobs import AUDIT_KEY, DAILY_BY_DAY_JOB, DAILY_JOB, KPI_JOB, SILVER_JOB

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
SOURCE_AND_SILVER = {
    *(f"sucos_vendas/{t}" for t in schema.TABLES),
    *(f"silver/sucos_vendas/{t}" for t in schema.TABLES),
}


@pytest.fixture
def settings(tmp_path, small_world) -> Settings:
    return small_world(tmp_path)


def _assets(defs: dg.Definitions, job: str) -> set[str]:
    layer = defs.resolve_job_def(job).asset_layer
    return {key.to_user_string() for key in layer.executable_asset_keys}


def test_daily_job_loads_the_database_and_silver_and_backfills_a_range_in_one_run(settings):
    defs = build_definitions(settings)

    assert _assets(defs, DAILY_JOB) == SOURCE_AND_SILVER
    assert defs.resolve_job_def(DAILY_JOB).backfill_policy == dg.BackfillPolicy.single_run()


def test_daily_by_day_job_adds_the_day_audit_and_backfills_one_run_per_day(settings):
    defs = build_definitions(settings)
    policy = defs.resolve_job_def(DAILY_BY_DAY_JOB).backfill_policy

    assert _assets(defs, DAILY_BY_DAY_JOB) == SOURCE_AND_SILVER | {"audit/day_reconciliation"}
    assert policy == dg.BackfillPolicy.multi_run(max_partitions_per_run=1)


def test_silver_and_kpi_jobs_select_their_layers(settings):
    defs = build_definitions(settings)
    kpis = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    kpis = {key for key in kpis if key.startswith("kpi/")}

    assert _assets(defs, SILVER_JOB) == {f"silver/sucos_vendas/{t.name}" for t in schema.FACTS}
    assert _assets(defs, KPI_JOB) == kpis | {"kpi_report"}
    assert len(kpis) == 9
    # The warehouse file takes one writer at a time: KPI steps share the run's process.
    assert defs.resolve_job_def(KPI_JOB).executor_def.name == "in_process"


def test_loads_of_the_operational_database_share_one_pool(settings):
    graph = build_definitions(settings).resolve_asset_graph()

    for table in schema.TABLES:
        assert graph.get(source_key(table)).pools == {POOL}
    assert POOL == "operational_db"


def test_the_day_audit_puts_plan_source_and_silver_side_by_side(settings):
    defs = build_definitions(settings)
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def(DAILY_BY_DAY_JOB).execute_in_process(
            instance=instance, run_config=QUIET, partition_key="2024-01-03"
        )
        (event,) = [
            e for e in result.get_asset_materialization_events() if e.asset_key == AUDIT_KEY
        ]

    facts = generate_day(Scenario(7, load_profile("small"), date(2024, 1, 1)), date(2024, 1, 3))
    metadata = {k: v.value for k, v in event.materialization.metadata.items()}
    assert event.partition == "2024-01-03"
    assert metadata["planned_invoices"] == facts.notas.num_rows
    assert metadata["source_invoices"] == metadata["silver_invoices"] == facts.notas.num_rows
    assert metadata["source_items"] == metadata["silver_items"] == facts.itens.num_rows
    written = pq.read_table(metadata["path"]).to_pylist()
    assert written == [{k: metadata[k] for k in written[0]}]
    assert metadata["path"].endswith("audit/day_reconciliation/date=2024-01-03/part-0.parquet")
    assert silver_key("notas_fiscais") in defs.resolve_asset_graph().get(AUDIT_KEY).parent_keys
