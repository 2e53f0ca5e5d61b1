from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from datagen_platform.config import Settings
from datagen_platform.definitions import build_definitions
from datagen_platform.jobs import DAILY_JOB
from datagen_platform.schedules import DAILY_CRON

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def defs(tmp_path) -> dg.Definitions:
    return build_definitions(
        Settings(
            profile="small",
            start_date=date(2024, 1, 1),
            embedded_path=tmp_path / "ops.duckdb",
            datalake=str(tmp_path / "lake"),
            warehouse_path=tmp_path / "warehouse.duckdb",
        )
    )


def _tick(defs: dg.Definitions, instance, moment: datetime):
    schedule = defs.resolve_schedule_def("daily_schedule")
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=moment, repository_def=defs.get_repository_def()
    )
    return schedule.evaluate_tick(context)


def test_the_schedule_runs_daily_job_at_one_in_sao_paulo_and_starts_running(defs):
    schedule = defs.resolve_schedule_def("daily_schedule")

    assert schedule.cron_schedule == DAILY_CRON == "0 1 * * *"
    assert schedule.execution_timezone == "America/Sao_Paulo"
    assert schedule.job_name == DAILY_JOB
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_a_tick_requests_the_day_that_just_ended_in_sao_paulo(defs):
    with dg.instance_for_test() as instance:
        data = _tick(defs, instance, datetime(2024, 3, 10, 1, 0, tzinfo=SAO_PAULO))

    (request,) = data.run_requests
    assert request.partition_key == "2024-03-09"
    assert request.run_key == "2024-03-09"
    dg.validate_run_config(defs.resolve_job_def(DAILY_JOB), request.run_config)


def test_the_day_follows_sao_paulo_not_utc(defs):
    # 01:30 UTC on the 10th is still the 9th in São Paulo (UTC-3): the 8th is the newest day.
    with dg.instance_for_test() as instance:
        data = _tick(defs, instance, datetime(2024, 3, 10, 1, 30, tzinfo=ZoneInfo("UTC")))

    assert [r.partition_key for r in data.run_requests] == ["2024-03-08"]


def test_before_the_first_day_completes_the_tick_is_skipped_with_the_reason(defs):
    with dg.instance_for_test() as instance:
        data = _tick(defs, instance, datetime(2024, 1, 1, 1, 0, tzinfo=SAO_PAULO))

    assert data.run_requests == []
    assert data.skip_message == "no complete day yet: the first partition is 2024-01-01"
