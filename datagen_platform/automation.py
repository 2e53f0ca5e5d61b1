"""Everything that runs the platform on its own: jobs, the daily schedule, sensors and checks."""

import dagster as dg

from datagen_platform.checks import build_checks
from datagen_platform.config import Settings
from datagen_platform.jobs import build_day_reconciliation, build_jobs
from datagen_platform.schedules import build_daily_schedule
from datagen_platform.sensors import build_lake_drift_sensor, kpi_refresh_sensor


def build_automation(settings: Settings, partitions_def: dg.PartitionsDefinition) -> dg.Definitions:
    """The jobs, schedule, sensors and asset checks over the assets of `build_definitions`.

    `settings` are those the assets were built from; the partitions carry all that the
    automation needs from them today.
    """
    return dg.Definitions(
        assets=[build_day_reconciliation(partitions_def)],
        asset_checks=build_checks(partitions_def),
        jobs=build_jobs(),
        schedules=[build_daily_schedule(partitions_def)],
        sensors=[kpi_refresh_sensor, build_lake_drift_sensor(partitions_def)],
    )
