"""The jobs the schedule, the sensors and the UI launch, and the rules for ranges of days.

Since Dagster 1.5 the UI no longer asks how a backfill splits into runs: each asset's
`BackfillPolicy` decides, and a job takes the smallest policy among its partitioned assets. The
source and silver facts say `single_run()`, so backfilling `daily_job` (or those assets from the
asset graph) loads a whole range of days in one run. `daily_by_day_job` adds the per-day
`audit/day_reconciliation` asset, whose policy is one partition per run: backfilling that job
launches one run per day, which is what a user picks when days should fail, retry and show up
separately.
"""

from datetime import date

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from datagen_platform import schema
from datagen_platform.assets.silver import silver_key
from datagen_platform.assets.sucos_vendas import source_key
from datagen_platform.errors import PartitionRangeError
from datagen_platform.generation import planned_invoice_count
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.operational import OperationalDatabaseResource
from datagen_platform.resources.scenario import ScenarioResource

DAILY_JOB = "daily_job"
DAILY_BY_DAY_JOB = "daily_by_day_job"
SILVER_JOB = "silver_job"
KPI_JOB = "kpi_job"
AUDIT_KEY = dg.AssetKey(["audit", "day_reconciliation"])

FACT_KEYS = [source_key(table.name) for table in schema.FACTS]
SILVER_FACT_KEYS = [silver_key(table.name) for table in schema.FACTS]
SOURCE_AND_SILVER_KEYS = [
    *(source_key(table) for table in schema.TABLES),
    *(silver_key(table) for table in schema.TABLES),
]
# The jobs whose runs write the operational database or the silver lake.
WRITING_JOBS = (DAILY_JOB, DAILY_BY_DAY_JOB, SILVER_JOB, "datagen_job")


def daily_selection() -> dg.AssetSelection:
    """Dimensions and facts of the operational database and their silver copies.

    The dimensions come along because the facts reference them: on a fresh database the first
    scheduled day creates them, and afterwards reloading identical dimensions changes nothing.
    """
    return dg.AssetSelection.assets(*SOURCE_AND_SILVER_KEYS)


def build_jobs() -> list:
    """`daily_job`, `daily_by_day_job`, `silver_job` and `kpi_job`."""
    return [
        dg.define_asset_job(
            DAILY_JOB,
            selection=daily_selection(),
            description="Generate, load and land a range of days; a backfill is one run.",
        ),
        dg.define_asset_job(
            DAILY_BY_DAY_JOB,
            selection=daily_selection() | dg.AssetSelection.assets(AUDIT_KEY),
            description="The same as daily_job, but a backfill launches one run per day.",
        ),
        dg.define_asset_job(
            SILVER_JOB,
            selection=dg.AssetSelection.assets(*SILVER_FACT_KEYS),
            description="Land days of the operational database in the silver lake again.",
        ),
        dg.define_asset_job(
            KPI_JOB,
            selection=dg.AssetSelection.groups("kpi", "report"),
            description="Recompute every KPI from the silver lake, then the report.",
            # Every KPI writes the one warehouse file, which takes one writing process at a
            # time, so the steps run one by one anyway: a process per step would only add its
            # start-up to each of them.
            executor_def=dg.in_process_executor,
        ),
    ]


def build_day_reconciliation(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The per-day `audit/day_reconciliation` asset (see the module docstring for its policy)."""

    @dg.asset(
        key=AUDIT_KEY,
        deps=SILVER_FACT_KEYS,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=1),
        group_name="audit",
        kinds={"parquet", "python"},
    )
    def day_reconciliation(
        context: dg.AssetExecutionContext,
        scenario: ScenarioResource,
        operational_db: OperationalDatabaseResource,
        lake: DatalakeResource,
    ) -> None:
        """One row per sales day: invoices the generator planned, rows in the operational
        database and rows in the silver lake, side by side."""
        # One key per run under its own policy, but a ranged run of a wider job brings several.
        for key in context.partition_keys:
            day = date.fromisoformat(key)
            row = day_figures(scenario, operational_db, lake, day)
            written = lake.write_table(
                f"audit/day_reconciliation/date={key}/part-0.parquet", pa.Table.from_pylist([row])
            )
            context.add_asset_metadata(
                {**row, "path": dg.MetadataValue.path(written.uri)}, partition_key=key
            )
            context.log.info(f"day reconciliation of {key}: {row}")

    return day_reconciliation


def day_figures(
    scenario: ScenarioResource,
    operational_db: OperationalDatabaseResource,
    lake: DatalakeResource,
    day: date,
) -> dict[str, int]:
    """Planned invoices, source rows and silver rows of one day (0 where a store has none)."""
    invoices, items = operational_db.day_counts(day, day).get(day, (0, 0))
    return {
        "planned_invoices": planned_invoice_count(scenario.scenario(), day),
        "source_invoices": invoices,
        "source_items": items,
        "silver_invoices": silver_rows(lake, schema.NOTAS.name, day),
        "silver_items": silver_rows(lake, schema.ITENS.name, day),
    }


def silver_rows(lake: DatalakeResource, table: str, day: date) -> int:
    """Rows of one silver partition, from its Parquet footer; 0 when the partition is missing."""
    fs, base = lake.filesystem()
    try:
        with fs.open_input_file(f"{base}/{lake.silver_file(table, day)}") as source:
            return pq.read_metadata(source).num_rows
    except FileNotFoundError:
        return 0


def check_day_range(partitions_def: dg.PartitionsDefinition, first: date, last: date) -> list[str]:
    """The partition keys from `first` to `last`, or `PartitionRangeError` saying why not.

    Dagster refuses unknown keys too, but only with the key; this names the first and newest
    day that exist, so a user sees what to ask for instead.
    """
    oldest = partitions_def.get_first_partition_key()
    newest = partitions_def.get_last_partition_key()
    if last < first:
        raise PartitionRangeError(f"the range ends ({last}) before it starts ({first})")
    if newest is None:
        raise PartitionRangeError(f"no day is complete yet; the first partition is {oldest}")
    if first < date.fromisoformat(oldest):
        raise PartitionRangeError(
            f"{first} is before the first partition {oldest} (DATAGEN_START_DATE); "
            f"backfill from {oldest} on"
        )
    if last > date.fromisoformat(newest):
        raise PartitionRangeError(
            f"{last} is not a complete day yet; the newest partition is {newest}"
        )
    return partitions_def.get_partition_keys_in_range(
        dg.PartitionKeyRange(first.isoformat(), last.isoformat())
    )


def range_run_request(
    partitions_def: dg.PartitionsDefinition, first: date, last: date, run_key: str | None = None
) -> dg.RunRequest:
    """One run over the days `first` to `last`, refused with a clear reason if they do not exist.

    For schedules, sensors and scripts that launch `daily_job` over a range.
    """
    keys = check_day_range(partitions_def, first, last)
    return dg.RunRequest(
        run_key=run_key,
        tags={
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        },
    )
