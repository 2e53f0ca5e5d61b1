"""Assembles the platform's `dg.Definitions` for given settings, without reading the environment."""

import dagster as dg

from datagen_platform import schema
from datagen_platform.assets.bench import GROUP as BENCH_GROUP
from datagen_platform.assets.bench import bench_report
from datagen_platform.assets.kpi import build_kpi_assets
from datagen_platform.assets.report import build_kpi_report
from datagen_platform.assets.silver import build_silver_assets
from datagen_platform.assets.sucos_vendas import build_dimension_asset, build_fact_assets
from datagen_platform.automation import build_automation
from datagen_platform.config import Settings
from datagen_platform.generation import load_profile
from datagen_platform.jobs import AUDIT_KEY
from datagen_platform.partitions import daily_partitions
from datagen_platform.progress import ProgressReporter, SilentProgress
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.operational import operational_database
from datagen_platform.resources.scenario import ScenarioResource
from datagen_platform.resources.warehouse import WarehouseResource

ALL_ASSETS_JOB = "datagen_job"


def everything() -> dg.AssetSelection:
    """The assets of `datagen_job`: all but the benchmark and the one-day-per-run audit."""
    # The benchmark takes minutes and measures the machine: it runs only when asked for. The
    # audit asset runs one day per run, which would split every range of this job into days.
    return (
        dg.AssetSelection.all()
        - dg.AssetSelection.groups(BENCH_GROUP)
        - dg.AssetSelection.assets(AUDIT_KEY)
    )


def build_definitions(
    settings: Settings, progress: ProgressReporter | None = None
) -> dg.Definitions:
    """Assets, jobs and resources for one scenario; `progress` receives a call per loaded day."""
    load_profile(settings.profile)  # fail at load time, with the variable named, not mid-run
    backend = "duckdb" if settings.mariadb is None else "mariadb"
    partitions_def = daily_partitions(settings.start_date)
    kpi_assets = build_kpi_assets(partitions_def=partitions_def)
    assets = [
        *(build_dimension_asset(table, backend) for table in schema.DIMENSIONS),
        build_fact_assets(partitions_def, backend),
        *build_silver_assets(partitions_def),
        *kpi_assets,
        build_kpi_report(kpi_assets),
        bench_report,
    ]

    platform = dg.Definitions(
        assets=assets,
        jobs=[dg.define_asset_job(ALL_ASSETS_JOB, selection=everything())],
        resources={
            "scenario": ScenarioResource(
                seed=settings.seed,
                profile=settings.profile,
                start_date=settings.start_date.isoformat(),
            ),
            "operational_db": operational_database(settings),
            "lake": DatalakeResource(root=settings.datalake),
            "warehouse": WarehouseResource(database=str(settings.warehouse_path)),
            "progress": progress or SilentProgress(),
        },
    )
    return dg.Definitions.merge(platform, build_automation(settings, partitions_def))
