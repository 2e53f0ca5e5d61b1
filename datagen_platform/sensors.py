"""Sensors: KPIs follow the silver lake, and the silver lake follows the operational database.

Declarative automation refreshes an unpartitioned KPI only when the newest day changes, so a
backfill of old days would leave stale KPIs; `kpi_refresh_sensor` instead watches every silver
materialization by its event storage id. `lake_drift_sensor` catches rows inserted or deleted in
the operational database by hand, which no Dagster event announces.
"""

import json
from datetime import date

import dagster as dg

from datagen_platform import schema
from datagen_platform.assets.silver import silver_key
from datagen_platform.errors import DatabaseUnreachableError, SchemaMismatchError
from datagen_platform.jobs import KPI_JOB, SILVER_JOB, WRITING_JOBS, silver_rows
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.operational import OperationalDatabaseResource

SILVER_KEYS = [silver_key(table) for table in schema.TABLES]
SILVER_FACT_KEYS = [silver_key(table.name) for table in schema.FACTS]
EVENTS_PER_KEY = 10_000
_IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def writing_runs(instance: dg.DagsterInstance) -> list[str]:
    """Ids of unfinished runs that write the operational database or the silver lake."""
    watched = set(SILVER_KEYS) | {dg.AssetKey([schema.DATABASE, t]) for t in schema.TABLES}
    return [
        run.run_id
        for run in instance.get_runs(filters=dg.RunsFilter(statuses=_IN_PROGRESS))
        if run.job_name in WRITING_JOBS or watched & set(run.asset_selection or ())
    ]


def newest_silver_event(instance: dg.DagsterInstance, after: int) -> tuple[int, int]:
    """The largest storage id of a silver materialization after `after`, and how many there are."""
    newest, count = after, 0
    for key in SILVER_KEYS:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, after_storage_id=after),
            limit=EVENTS_PER_KEY,
            ascending=True,
        ).records
        count += len(records)
        newest = max([newest, *(record.storage_id for record in records)])
    return newest, count


@dg.sensor(
    name="kpi_refresh_sensor",
    job_name=KPI_JOB,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Recomputes the KPIs and the report once silver partitions changed, old days "
    "included, after the runs writing them have finished.",
)
def kpi_refresh_sensor(context: dg.SensorEvaluationContext):
    """Requests `kpi_job` once per batch of new silver materializations.

    It starts RUNNING because it only reacts to the platform's own runs. The cursor is the
    storage id of the newest silver event already handled, and it is also the run key, so a tick
    evaluated twice asks for the same run, which Dagster then launches once.
    """
    handled = int(context.cursor or 0)
    newest, count = newest_silver_event(context.instance, handled)
    if count == 0:
        return dg.SkipReason(f"no silver materialization after storage id {handled}")
    if not all(context.instance.get_latest_materialization_event(k) for k in SILVER_FACT_KEYS):
        # Dimensions alone make no KPI; the events stay unhandled until the first silver day.
        return dg.SkipReason(f"{count} new silver materializations, but no silver day yet")
    busy = writing_runs(context.instance)
    if busy:
        # The KPIs refuse an incomplete lake; the cursor stays, so these events are seen again.
        return dg.SkipReason(
            f"{count} new silver materializations; waiting for {len(busy)} run(s) still "
            f"writing the lake: {', '.join(busy[:3])}"
        )
    context.log.info(f"{count} silver materializations up to storage id {newest}: KPIs refresh")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"silver-{newest}", tags={"datagen/trigger": "kpi"})],
        cursor=str(newest),
    )


def drifted_days(
    operational_db: OperationalDatabaseResource,
    lake: DatalakeResource,
    first: date,
    last: date,
) -> dict[date, tuple[int, int]]:
    """Days whose (invoices, items) in the database differ from the rows of their silver
    partitions, with the database's counts; a day the database no longer has counts (0, 0)."""
    source = operational_db.day_counts(first, last)
    landed = set(lake.list_partitions(schema.NOTAS.name)) | set(
        lake.list_partitions(schema.ITENS.name)
    )
    drifted = {}
    for day in sorted(set(source) | {d for d in landed if first <= d <= last}):
        counts = source.get(day, (0, 0))
        silver = (
            silver_rows(lake, schema.NOTAS.name, day),
            silver_rows(lake, schema.ITENS.name, day),
        )
        if counts != silver:
            drifted[day] = counts
    return drifted


def build_lake_drift_sensor(partitions_def: dg.PartitionsDefinition) -> dg.SensorDefinition:
    """`lake_drift_sensor`: re-lands the silver partitions of days changed by hand in the database.

    It starts STOPPED: each tick reads the database and every partition footer, and on the
    embedded DuckDB file its reads wait for a writing run's lock. Turn it on where people edit
    the source database by hand.
    """

    @dg.sensor(
        name="lake_drift_sensor",
        job_name=SILVER_JOB,
        minimum_interval_seconds=300,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Requests the silver partitions of days whose rows in the operational "
        "database no longer match the lake (rows inserted or deleted outside the platform).",
    )
    def lake_drift_sensor(
        context: dg.SensorEvaluationContext,
        operational_db: OperationalDatabaseResource,
        lake: DatalakeResource,
    ):
        busy = writing_runs(context.instance)
        if busy:
            return dg.SkipReason(f"waiting for {len(busy)} run(s) writing the database or lake")
        first = date.fromisoformat(partitions_def.get_first_partition_key())
        newest = partitions_def.get_last_partition_key()
        if newest is None:
            return dg.SkipReason("no complete day yet")
        try:
            drifted = drifted_days(operational_db, lake, first, date.fromisoformat(newest))
        except (DatabaseUnreachableError, SchemaMismatchError) as error:
            context.log.warning(f"lake drift not checked: {error}")
            return dg.SkipReason(f"operational database unavailable: {error}")
        return drift_result(context.cursor, drifted)

    return lake_drift_sensor


def drift_result(cursor: str | None, drifted: dict[date, tuple[int, int]]):
    """Run requests for drifted days not requested yet with these counts, and the new cursor.

    The cursor keeps, per drifted day, the counts already requested, and a request number that
    makes each run key new: the same drift is requested once, and a day that drifts again after
    silver caught up is requested again.
    """
    state = json.loads(cursor) if cursor else {"requested": {}, "sequence": 0}
    requested, sequence = state["requested"], state["sequence"]
    # Days no longer drifting are forgotten: silver caught up with them.
    requested = {
        day: counts for day, counts in requested.items() if date.fromisoformat(day) in drifted
    }
    requests = []
    for day, counts in sorted(drifted.items()):
        if requested.get(day.isoformat()) == list(counts):
            continue
        sequence += 1
        requested[day.isoformat()] = list(counts)
        requests.append(
            dg.RunRequest(
                run_key=f"drift-{sequence}-{day.isoformat()}",
                partition_key=day.isoformat(),
                tags={"datagen/trigger": "lake_drift", "datagen/source_rows": str(sum(counts))},
            )
        )
    new_cursor = json.dumps({"requested": requested, "sequence": sequence}, sort_keys=True)
    if not requests:
        return dg.SensorResult(
            skip_reason=dg.SkipReason(
                f"{len(drifted)} drifted day(s), all already requested"
                if drifted
                else "every silver partition matches the operational database"
            ),
            cursor=new_cursor,
        )
    return dg.SensorResult(run_requests=requests, cursor=new_cursor)
