import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.test_utils import create_run_for_test

from datagen_platform import schema
from datagen_platform.assets.silver import silver_key
from datagen_platform.config import Settings
from datagen_platform.definitions import build_definitions
from datagen_platform.jobs import DAILY_JOB, KPI_JOB, SILVER_JOB
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.embedded import EmbeddedDuckDBResource
from datagen_platform.resources.mariadb import MariaDBResource
from datagen_platform.sensors import newest_silver_event

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
DAYS = ("2024-01-01", "2024-01-03")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, small_world) -> Path:
    """Three days generated, loaded into an embedded database and landed in silver, once."""
    folder = tmp_path_factory.mktemp("loaded")
    with dg.instance_for_test() as instance:
        result = _run(build_definitions(small_world(folder)), instance, DAILY_JOB, *DAYS)
    assert result.success
    return folder


@pytest.fixture
def world(loaded, tmp_path, small_world) -> Settings:
    """A private copy of the loaded database and lake."""
    shutil.copy(loaded / "ops.duckdb", tmp_path / "ops.duckdb")
    shutil.copytree(loaded / "lake", tmp_path / "lake")
    return small_world(tmp_path)


def _run(defs, instance, job: str, first: str, last: str) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def(job).execute_in_process(
        instance=instance,
        run_config=QUIET,
        tags={
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
    )


def _tick(defs, instance, name: str, cursor: str | None = None, resources=None):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs, resources=resources or {}
    )
    return defs.resolve_sensor_def(name).evaluate_tick(context)


def _newest_silver_storage_id(instance) -> int:
    return newest_silver_event(instance, 0)[0]


# kpi_refresh_sensor


def test_kpi_sensor_first_tick_without_silver_skips(world):
    defs = build_definitions(world)
    with dg.instance_for_test() as instance:
        data = _tick(defs, instance, "kpi_refresh_sensor")

    assert data.run_requests == []
    assert data.skip_message == "no silver materialization after storage id 0"
    assert defs.resolve_sensor_def("kpi_refresh_sensor").job_name == KPI_JOB


def test_kpi_sensor_requests_one_run_for_new_silver_partitions(world):
    defs = build_definitions(world)
    with dg.instance_for_test() as instance:
        _run(defs, instance, SILVER_JOB, *DAYS)
        newest = _newest_silver_storage_id(instance)
        data = _tick(defs, instance, "kpi_refresh_sensor")

    (request,) = data.run_requests
    assert request.run_key == f"silver-{newest}"
    assert data.cursor == str(newest)


def test_kpi_sensor_with_nothing_new_requests_nothing(world):
    defs = build_definitions(world)
    with dg.instance_for_test() as instance:
        _run(defs, instance, SILVER_JOB, *DAYS)
        first = _tick(defs, instance, "kpi_refresh_sensor")
        second = _tick(defs, instance, "kpi_refresh_sensor", cursor=first.cursor)

    assert len(first.run_requests) == 1
    assert second.run_requests == []
    assert second.skip_message == f"no silver materialization after storage id {first.cursor}"


def test_kpi_sensor_reacts_to_a_backfill_of_an_old_day(world):
    defs = build_definitions(world)
    with dg.instance_for_test() as instance:
        _run(defs, instance, SILVER_JOB, "2024-01-03", "2024-01-03")
        first = _tick(defs, instance, "kpi_refresh_sensor")
        _run(defs, instance, SILVER_JOB, "2024-01-01", "2024-01-01")
        second = _tick(defs, instance, "kpi_refresh_sensor", cursor=first.cursor)
        newest = _newest_silver_storage_id(instance)

    assert len(second.run_requests) == 1
    assert second.run_requests[0].run_key == f"silver-{newest}"
    assert int(second.cursor) == newest > int(first.cursor)


def test_kpi_sensor_waits_while_a_run_writes_the_lake_and_keeps_its_cursor(world):
    defs = build_definitions(world)
    with dg.instance_for_test() as instance:
        _run(defs, instance, SILVER_JOB, *DAYS)
        busy = create_run_for_test(instance, job_name=DAILY_JOB, status=dg.DagsterRunStatus.STARTED)
        data = _tick(defs, instance, "kpi_refresh_sensor", cursor="0")

    assert data.run_requests == []
    assert data.cursor in (None, "0")
    assert busy.run_id in data.skip_message


# lake_drift_sensor


def _resources(settings: Settings) -> dict:
    return {
        "operational_db": EmbeddedDuckDBResource(path=str(settings.embedded_path)),
        "lake": DatalakeResource(root=settings.datalake),
    }


def _delete_invoice(settings: Settings, day: str) -> int:
    with duckdb.connect(str(settings.embedded_path)) as con:
        (numero,) = con.execute(
            "SELECT max(NUMERO) FROM notas_fiscais WHERE DATA_VENDA = ?", [day]
        ).fetchone()
        con.execute("DELETE FROM itens_notas_fiscais WHERE NUMERO = ?", [numero])
        con.execute("DELETE FROM notas_fiscais WHERE NUMERO = ?", [numero])
    return numero


def test_drift_sensor_starts_stopped_and_sees_no_drift_on_a_consistent_lake(world):
    defs = build_definitions(world)
    sensor = defs.resolve_sensor_def("lake_drift_sensor")
    with dg.instance_for_test() as instance:
        data = _tick(defs, instance, "lake_drift_sensor", resources=_resources(world))

    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert sensor.job_name == SILVER_JOB
    assert data.run_requests == []
    assert data.skip_message == "every silver partition matches the operational database"


def test_drift_sensor_requests_a_day_whose_rows_were_deleted_by_hand_once(world):
    defs = build_definitions(world)
    _delete_invoice(world, "2024-01-02")
    with dg.instance_for_test() as instance:
        first = _tick(defs, instance, "lake_drift_sensor", resources=_resources(world))
        again = _tick(defs, instance, "lake_drift_sensor", first.cursor, _resources(world))

    (request,) = first.run_requests
    assert request.partition_key == "2024-01-02"
    assert request.run_key == "drift-1-2024-01-02"
    assert again.run_requests == []
    assert again.skip_message == "1 drifted day(s), all already requested"
    assert json.loads(again.cursor) == json.loads(first.cursor)


def test_drift_sensor_forgets_a_day_once_silver_caught_up_and_sees_it_drift_again(world):
    defs = build_definitions(world)
    _delete_invoice(world, "2024-01-02")
    with dg.instance_for_test() as instance:
        first = _tick(defs, instance, "lake_drift_sensor", resources=_resources(world))
        assert _run(defs, instance, SILVER_JOB, "2024-01-02", "2024-01-02").success
        settled = _tick(defs, instance, "lake_drift_sensor", first.cursor, _resources(world))
        _delete_invoice(world, "2024-01-02")
        again = _tick(defs, instance, "lake_drift_sensor", settled.cursor, _resources(world))

    assert settled.run_requests == []
    assert json.loads(settled.cursor)["requested"] == {}
    assert [r.run_key for r in again.run_requests] == ["drift-2-2024-01-02"]


def test_drift_sensor_requests_a_day_inserted_by_hand_that_silver_never_saw(world):
    defs = build_definitions(world)
    with duckdb.connect(str(world.embedded_path)) as con:
        cpf, matricula = con.execute("SELECT CPF, MATRICULA FROM notas_fiscais LIMIT 1").fetchone()
        con.execute(
            "INSERT INTO notas_fiscais VALUES (?, ?, DATE '2024-01-05', 999999, 0.1)",
            [cpf, matricula],
        )
    with dg.instance_for_test() as instance:
        data = _tick(defs, instance, "lake_drift_sensor", resources=_resources(world))

    assert [r.partition_key for r in data.run_requests] == ["2024-01-05"]


def test_drift_sensor_skips_when_the_database_is_unreachable_and_keeps_its_cursor(world):
    defs = build_definitions(world)
    cursor = json.dumps({"requested": {"2024-01-02": [9, 18]}, "sequence": 4})
    # Nothing listens on port 1 of the loopback address: the connection is refused at once.
    resources = {
        "operational_db": MariaDBResource(host="127.0.0.1", port=1, database="nowhere"),
        "lake": DatalakeResource(root=world.datalake),
    }
    with dg.instance_for_test() as instance:
        data = _tick(defs, instance, "lake_drift_sensor", cursor, resources)

    assert data.run_requests == []
    assert data.skip_message.startswith("operational database unavailable: cannot connect")
    assert data.cursor in (None, cursor)


def test_kpi_sensor_waits_for_a_first_silver_day_when_only_dimensions_landed(world):
    defs = build_definitions(world)
    dimensions = [silver_key(t.name) for t in schema.DIMENSIONS]
    job = dg.define_asset_job("dimensions", selection=dg.AssetSelection.assets(*dimensions))
    merged = dg.Definitions.merge(defs, dg.Definitions(jobs=[job]))
    with dg.instance_for_test() as instance:
        merged.resolve_job_def("dimensions").execute_in_process(instance=instance, run_config=QUIET)
        data = _tick(defs, instance, "kpi_refresh_sensor")

    assert data.run_requests == []
    assert data.skip_message == "3 new silver materializations, but no silver day yet"
