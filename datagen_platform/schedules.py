"""The daily schedule: every night, the day that just ended, from generation to silver.

KPIs and the report follow through `kpi_refresh_sensor`, which reacts to the new silver
partitions, so the schedule need not know about them.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from datagen_platform.jobs import DAILY_JOB
from datagen_platform.partitions import TIMEZONE

# 01:00 in São Paulo: the previous sales day is complete, and the run finishes long before
# anyone opens the reports in the morning.
DAILY_CRON = "0 1 * * *"


def newest_complete_day(partitions_def: dg.PartitionsDefinition, moment: datetime) -> str | None:
    """The partition key of the newest day complete at `moment`, or None before the first.

    Days start at midnight in São Paulo, so the newest complete day is the one before `moment`'s
    date there, whatever the timezone `moment` is given in.
    """
    day = moment.astimezone(ZoneInfo(TIMEZONE)).date() - timedelta(days=1)
    first = date.fromisoformat(partitions_def.get_first_partition_key())
    return day.isoformat() if day >= first else None


def build_daily_schedule(partitions_def: dg.PartitionsDefinition) -> dg.ScheduleDefinition:
    """`daily_schedule`: runs `daily_job` for the newest complete day, once per day.

    It starts RUNNING: the platform exists to grow its source database day by day, and a tick
    only does anything while a daemon runs (`dagster dev` or the Compose deployment), which a user
    starts on purpose. A tick loads one bounded day and replacing a day never duplicates it, so
    an unexpected run costs little; stop it in the UI to freeze the data.
    """

    @dg.schedule(
        name="daily_schedule",
        job_name=DAILY_JOB,
        cron_schedule=DAILY_CRON,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="The day that just ended in São Paulo: generated, loaded and landed in "
        "silver at 01:00 America/Sao_Paulo.",
    )
    def daily_schedule(context: dg.ScheduleEvaluationContext):
        day = newest_complete_day(partitions_def, context.scheduled_execution_time)
        if day is None:
            first = partitions_def.get_first_partition_key()
            return dg.SkipReason(f"no complete day yet: the first partition is {first}")
        # The day is the run key: a tick evaluated twice never loads the day twice.
        return dg.RunRequest(run_key=day, partition_key=day, tags={"datagen/trigger": "schedule"})

    return daily_schedule
