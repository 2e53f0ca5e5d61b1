"""Backfills as the UI launches them (GraphQL `launchPartitionBackfill`), run by the backfill
daemon's own iteration on a real instance whose launcher executes each run in this process."""

import logging
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.test_utils import InProcessTestWorkspaceLoadTarget
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._daemon.backfill import execute_backfill_iteration
from dagster_graphql.test.utils import execute_dagster_graphql

from datagen_platform import schema
from datagen_platform.assets.sucos_vendas import source_key
from datagen_platform.errors import PartitionRangeError
from datagen_platform.jobs import DAILY_BY_DAY_JOB, check_day_range, range_run_request
from datagen_platform.partitions import daily_partitions
from datagen_platform.resources.embedded import EmbeddedDuckDBResource

DAYS = ["2024-01-01", "2024-01-02", "2024-01-03"]
LOCATION = "backfill_test"
# Runs start when submitted and execute in this process, one after the other.
SYNC_LAUNCHER = {
    "run_coordinator": {
        "module": "dagster._core.run_coordinator",
        "class": "DefaultRunCoordinator",
    },
    "run_launcher": {
        "module": "dagster._core.launcher.sync_in_memory_run_launcher",
        "class": "SyncInMemoryRunLauncher",
    },
}
LAUNCH = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}
"""
DEFINITIONS_FILE = """
from datetime import date
from pathlib import Path

from datagen_platform.config import Settings
from datagen_platform.definitions import build_definitions

FOLDER = Path({folder!r})
defs = build_definitions(
    Settings(
        seed=7,
        profile="small",
        start_date=date(2024, 1, 1),
        embedded_path=FOLDER / "ops.duckdb",
        datalake=str(FOLDER / "lake"),
        warehouse_path=FOLDER / "warehouse.duckdb",
    )
)
"""


@contextmanager
def _workspace(folder: Path) -> Iterator[tuple[dg.DagsterInstance, WorkspaceProcessContext]]:
    """A code location on a definitions file of its own, so each test has its own storage."""
    folder.mkdir()
    module = folder / f"definitions_{folder.name}.py"
    module.write_text(textwrap.dedent(DEFINITIONS_FILE.format(folder=str(folder))))
    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(executable_path=sys.executable, python_file=str(module)),
        location_name=LOCATION,
    )
    with (
        dg.instance_for_test(overrides=SYNC_LAUNCHER) as instance,
        WorkspaceProcessContext(instance, InProcessTestWorkspaceLoadTarget(origin)) as context,
    ):
        yield instance, context


def _launch(context: WorkspaceProcessContext, params: dict) -> str:
    # Steps run in the run's process: a process per step would cost seconds each on 2 cores.
    params = {**params, "runConfigData": {"execution": {"config": {"in_process": {}}}}}
    result = execute_dagster_graphql(context.create_request_context(), LAUNCH, {"params": params})
    launched = result.data["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    return launched["backfillId"]


def _drain(instance, context: WorkspaceProcessContext, backfill_id: str) -> str:
    """Iterate the backfill daemon until the backfill finishes; its final status."""
    logger = logging.getLogger("backfill_test")
    for _ in range(12):
        list(execute_backfill_iteration(context, logger))
        status = instance.get_backfill(backfill_id).status
        if status.value != "REQUESTED":
            return status.value
    raise AssertionError(f"backfill {backfill_id} still running after 12 iterations")


def _fact_runs(instance, backfill_id: str) -> list[dg.DagsterRun]:
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
    return [run for run in runs if _materialized(instance, run, source_key("notas_fiscais"))]


def _materialized(instance, run, key: dg.AssetKey) -> bool:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key), limit=1000
    ).records
    return any(record.run_id == run.run_id for record in records)


def _stored(folder: Path) -> dict[str, object]:
    """Every operational table and the bytes of every silver Parquet file."""
    database = EmbeddedDuckDBResource(path=str(folder / "ops.duckdb"))
    tables = {name: database.read_table(name) for name in schema.TABLES}
    files = {
        str(path.relative_to(folder / "lake")): pq.read_table(path)
        for path in sorted((folder / "lake" / "silver").rglob("*.parquet"))
    }
    return {"tables": tables, "files": files}


def _daily_keys() -> list[dict]:
    tables = list(schema.TABLES)
    return [{"path": ["sucos_vendas", t]} for t in tables] + [
        {"path": ["silver", "sucos_vendas", t]} for t in tables
    ]


@pytest.fixture(scope="module")
def by_range(tmp_path_factory) -> tuple[Path, list[dg.DagsterRun], str]:
    """Three days backfilled from the asset graph: the assets' policy makes it one range run."""
    folder = tmp_path_factory.mktemp("backfills") / "range"
    with _workspace(folder) as (instance, context):
        backfill_id = _launch(context, {"assetSelection": _daily_keys(), "partitionNames": DAYS})
        status = _drain(instance, context, backfill_id)
        runs = _fact_runs(instance, backfill_id)
    return folder, runs, status


@pytest.fixture(scope="module")
def by_day(tmp_path_factory) -> tuple[Path, list[dg.DagsterRun], str]:
    """The same three days backfilled through `daily_by_day_job`, as its job page launches it."""
    folder = tmp_path_factory.mktemp("backfills") / "day"
    with _workspace(folder) as (instance, context):
        selector = {
            "partitionSetName": f"{DAILY_BY_DAY_JOB}_partition_set",
            "repositorySelector": {
                "repositoryLocationName": LOCATION,
                "repositoryName": "__repository__",
            },
        }
        backfill_id = _launch(context, {"selector": selector, "partitionNames": DAYS})
        status = _drain(instance, context, backfill_id)
        runs = _fact_runs(instance, backfill_id)
    return folder, runs, status


def test_a_backfill_from_the_asset_graph_loads_the_range_in_one_run(by_range):
    _, runs, status = by_range

    assert status == "COMPLETED_SUCCESS"
    (run,) = runs
    assert run.tags["dagster/asset_partition_range_start"] == DAYS[0]
    assert run.tags["dagster/asset_partition_range_end"] == DAYS[-1]


def test_a_backfill_of_daily_by_day_job_launches_one_run_per_day(by_day):
    _, runs, status = by_day

    assert status == "COMPLETED_SUCCESS"
    assert sorted(run.tags["dagster/partition"] for run in runs) == DAYS
    assert {run.job_name for run in runs} == {DAILY_BY_DAY_JOB}


def test_both_backfills_leave_identical_tables_and_lake_files(by_range, by_day):
    one_run, per_day = _stored(by_range[0]), _stored(by_day[0])

    assert sorted(per_day["files"]) == sorted(one_run["files"])
    assert len([f for f in per_day["files"] if "date=" in f]) == 2 * len(DAYS)
    for name, table in one_run["tables"].items():
        assert per_day["tables"][name].equals(table), name
    for path, table in one_run["files"].items():
        assert per_day["files"][path].equals(table), path
    assert one_run["tables"]["notas_fiscais"].num_rows > 0


def test_a_range_before_the_first_partition_is_refused_with_the_first_day():
    partitions = daily_partitions(date(2024, 1, 1))

    with pytest.raises(PartitionRangeError) as refused:
        check_day_range(partitions, date(2023, 12, 30), date(2024, 1, 2))

    assert str(refused.value) == (
        "2023-12-30 is before the first partition 2024-01-01 (DATAGEN_START_DATE); "
        "backfill from 2024-01-01 on"
    )


def test_a_range_into_the_future_is_refused_with_the_newest_day():
    partitions = daily_partitions(date(2024, 1, 1))
    newest = partitions.get_last_partition_key()

    with pytest.raises(PartitionRangeError, match=f"the newest partition is {newest}"):
        range_run_request(partitions, date(2024, 1, 1), date(2999, 1, 1))


def test_a_valid_range_becomes_one_ranged_run_request():
    request = range_run_request(
        daily_partitions(date(2024, 1, 1)), date(2024, 1, 2), date(2024, 1, 5)
    )

    assert request.tags == {
        "dagster/asset_partition_range_start": "2024-01-02",
        "dagster/asset_partition_range_end": "2024-01-05",
    }


def test_dagster_itself_refuses_a_backfill_of_days_that_do_not_exist(tmp_path):
    # Its message does not name the day ("Multiple initial assets not yet supported"), which is
    # why `check_day_range` exists for the ranges the platform launches itself.
    silver = [{"path": ["silver", "sucos_vendas", "itens_notas_fiscais"]}]
    with _workspace(tmp_path / "unknown") as (instance, context):
        result = execute_dagster_graphql(
            context.create_request_context(),
            LAUNCH,
            {"params": {"assetSelection": silver, "partitionNames": ["2023-12-31"]}},
        )
        backfills = instance.get_backfills()

    assert result.data["launchPartitionBackfill"]["__typename"] == "PythonError"
    assert backfills == []
