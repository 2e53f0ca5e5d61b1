"""Asset checks: keys, nulls, ranges and row counts of the source days, silver and the KPIs.

Every rule is a DuckDB query in `sql/checks/` that returns the offending rows, run over Arrow
tables read through the operational database or over the silver Parquet. A failing check puts
how many rows broke it and a sample of them in its metadata.

The checks are unpartitioned, which works in single-day, ranged and checks-only runs alike
(partitioned checks are a preview API): they check the days of the run they are in, read from
its partition tags, or in a checks-only run the day last materialized.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import dagster as dg
import duckdb
import pyarrow as pa

from datagen_platform import schema
from datagen_platform.assets.kpi import gold_path, kpi_key
from datagen_platform.assets.silver import silver_key
from datagen_platform.assets.sucos_vendas import source_key
from datagen_platform.generation import invoice_number_range, planned_invoice_count
from datagen_platform.jobs import silver_rows
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.operational import (
    SALES_DAY,
    OperationalDatabaseResource,
    split_days,
)
from datagen_platform.resources.scenario import ScenarioResource
from datagen_platform.sqlfiles import render_sql

SAMPLE_ROWS = 10
REVENUE_TOLERANCE = 0.05
_PARTITION_TAG = "dagster/partition"
_RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")


@dataclass(frozen=True)
class RangeRule:
    """Allowed values of a numeric column: between `low` and `high`, each bound in or out."""

    column: str
    low: float
    high: float = math.inf
    low_inclusive: bool = True
    high_inclusive: bool = False


@dataclass(frozen=True)
class ForeignKeyRule:
    column: str
    parent: str
    ref_column: str


# IMPOSTO is a tax rate, a fraction; quantities are litres and prices per litre, both positive.
RANGES = {
    schema.NOTAS.name: (RangeRule("IMPOSTO", 0.0, 1.0),),
    schema.ITENS.name: (
        RangeRule("QUANTIDADE", 0.0, low_inclusive=False),
        RangeRule("PRECO", 0.0, low_inclusive=False),
    ),
}
# A day of items is read through its invoices, so an item's NUMERO always resolves there; the
# database itself enforces that key. The dimension keys are the ones worth checking.
FOREIGN_KEYS = {
    table.name: tuple(
        ForeignKeyRule(fk.columns[0], fk.table, fk.ref_columns[0])
        for fk in table.foreign_keys
        if fk.table in {dimension.name for dimension in schema.DIMENSIONS}
    )
    for table in schema.FACTS
}
# DATA_VENDA may be null in the classic schema, but a day's invoice without it is lost to silver.
REQUIRED = {
    table.name: tuple(
        column.name
        for column in table.columns
        if not column.nullable or column.name == "DATA_VENDA"
    )
    for table in schema.FACTS
}


def run_days(
    context: dg.AssetCheckExecutionContext,
    partitions_def: dg.PartitionsDefinition,
    asset_key: dg.AssetKey,
) -> list[date]:
    """The days a check covers: those of its run, else the day last materialized, else none."""
    tags = context.run.tags
    if _PARTITION_TAG in tags:
        keys = [tags[_PARTITION_TAG]]
    elif all(tag in tags for tag in _RANGE_TAGS):
        keys = partitions_def.get_partition_keys_in_range(
            dg.PartitionKeyRange(*(tags[tag] for tag in _RANGE_TAGS))
        )
    else:
        event = context.instance.get_latest_materialization_event(asset_key)
        partition = event.asset_materialization.partition if event else None
        keys = [partition] if partition else []
    return [date.fromisoformat(key) for key in keys]


def offending_rows(
    con: duckdb.DuckDBPyConnection, sql_file: str, params: dict | None = None, **context
) -> pa.Table:
    """Run one `sql/checks/` query; it returns the rows that break its rule."""
    return con.sql(render_sql(f"checks/{sql_file}", **context), params=params).to_arrow_table()


def check_result(
    check_name: str, asset_key: dg.AssetKey, offending: pa.Table, **metadata: object
) -> dg.AssetCheckResult:
    """Passed when `offending` is empty; else the count and a sample of it in the metadata."""
    details = {"offending_rows": offending.num_rows, **metadata}
    if offending.num_rows:
        sample = offending.slice(0, SAMPLE_ROWS).to_pandas()
        details["sample"] = dg.MetadataValue.md(sample.to_markdown(index=False))
    return dg.AssetCheckResult(
        check_name=check_name,
        asset_key=asset_key,
        passed=offending.num_rows == 0,
        metadata=details,
    )


def _with_day(table: pa.Table, day: date) -> pa.Table:
    return table.add_column(0, "day", pa.array([day] * table.num_rows, pa.date32()))


def _concat(tables: list[pa.Table]) -> pa.Table:
    return pa.concat_tables(tables, promote_options="default") if tables else pa.table({})


def source_rule_violations(
    con: duckdb.DuckDBPyConnection, table: schema.Table, data: pa.Table
) -> dict[str, pa.Table]:
    """The offending rows of one day of a fact table for each rule that needs no plan.

    The dimension tables the foreign keys point to must be registered on `con` by name.
    """
    con.register("checked", data)
    by_day = "day" in data.column_names
    ranges = RANGES[table.name]
    bounds = {}
    for index, rule in enumerate(ranges, start=1):
        bounds[f"low_{index}"], bounds[f"high_{index}"] = rule.low, rule.high
    try:
        return {
            "primary_key_unique": offending_rows(
                con, "duplicate_keys.sql", key=table.primary_key, by_day=by_day
            ),
            "foreign_keys_resolve": offending_rows(
                con, "orphan_keys.sql", foreign_keys=FOREIGN_KEYS[table.name], by_day=by_day
            ),
            "required_columns_not_null": offending_rows(
                con,
                "null_values.sql",
                key=table.primary_key,
                columns=REQUIRED[table.name],
                by_day=by_day,
            ),
            "values_in_range": offending_rows(
                con, "out_of_range.sql", bounds, key=table.primary_key, rules=ranges, by_day=by_day
            ),
        }
    finally:
        con.unregister("checked")


def plan_violations(
    con: duckdb.DuckDBPyConnection, scenario: ScenarioResource, notas: pa.Table, day: date
) -> pa.Table:
    """Invoice numbers of `day` missing from, or not in, what the generator planned."""
    world = scenario.scenario()
    params = {
        "planned": planned_invoice_count(world, day),
        "first_number": invoice_number_range(world, day)[0],
    }
    con.register("checked", notas)
    try:
        return offending_rows(con, "invoice_numbers.sql", params)
    finally:
        con.unregister("checked")


def _source_check_specs(table: schema.Table) -> list[dg.AssetCheckSpec]:
    descriptions = {
        "primary_key_unique": f"{', '.join(table.primary_key)} identifies one row",
        "foreign_keys_resolve": "every customer, seller and product referenced exists",
        "required_columns_not_null": f"no null in {', '.join(REQUIRED[table.name])}",
        "values_in_range": "; ".join(_describe_rule(rule) for rule in RANGES[table.name]),
    }
    if table is schema.NOTAS:
        descriptions["row_count_matches_plan"] = (
            "the day holds exactly the invoices the generator planned (planned_invoice_count)"
        )
    return [
        dg.AssetCheckSpec(name, asset=source_key(table.name), blocking=True, description=text)
        for name, text in descriptions.items()
    ]


def _describe_rule(rule: RangeRule) -> str:
    low = "[" if rule.low_inclusive else "("
    high = "]" if rule.high_inclusive else ")"
    upper = "inf" if math.isinf(rule.high) else f"{rule.high:g}"
    return f"{rule.column} in {low}{rule.low:g}, {upper}{high}"


def build_source_checks(
    table: schema.Table, partitions_def: dg.PartitionsDefinition
) -> dg.AssetChecksDefinition:
    """The blocking checks of one fact table's days: silver is not built from a bad day."""

    @dg.multi_asset_check(
        name=f"{table.name}_source_checks",
        specs=_source_check_specs(table),
        description=f"Keys, nulls, ranges and counts of the {table.name} days of the run.",
    )
    def _checks(
        context: dg.AssetCheckExecutionContext,
        scenario: ScenarioResource,
        operational_db: OperationalDatabaseResource,
    ) -> Iterator[dg.AssetCheckResult]:
        days = run_days(context, partitions_def, source_key(table.name))
        found: dict[str, list[pa.Table]] = {spec.name: [] for spec in _source_check_specs(table)}
        rows = 0
        with duckdb.connect() as con:
            for fk in FOREIGN_KEYS[table.name]:
                con.register(fk.parent, operational_db.read_table(fk.parent))
            # The days of a run are consecutive: they are checked a window of days at a time.
            windows = operational_db.read_windows(table.name, days[0], days[-1]) if days else ()
            for first, last, window in windows:
                data = window.rename_columns(
                    ["day" if name == SALES_DAY else name for name in window.column_names]
                )
                rows += data.num_rows
                for name, offending in source_rule_violations(con, table, data).items():
                    found[name].append(offending)
                if table is schema.NOTAS:
                    for day, day_rows in split_days(window, first, last):
                        offending = plan_violations(con, scenario, day_rows, day)
                        found["row_count_matches_plan"].append(_with_day(offending, day))

        context.log.info(f"{table.name}: checked {rows} rows of {len(days)} day(s)")
        for name, tables in found.items():
            yield check_result(
                name,
                source_key(table.name),
                _concat(tables),
                days_checked=len(days),
                rows_checked=rows,
            )

    return _checks


def build_silver_count_check(
    table: schema.Table, partitions_def: dg.PartitionsDefinition
) -> dg.AssetChecksDefinition:
    """Each silver partition of the run holds as many rows as its day in the source database."""
    index = [fact.name for fact in schema.FACTS].index(table.name)

    @dg.asset_check(
        asset=silver_key(table.name),
        name="row_count_matches_source",
        blocking=True,
        description=f"each silver day has the rows of that day in {table.name}",
    )
    def _check(
        context: dg.AssetCheckExecutionContext,
        operational_db: OperationalDatabaseResource,
        lake: DatalakeResource,
    ) -> dg.AssetCheckResult:
        days = run_days(context, partitions_def, silver_key(table.name))
        mismatches = []
        counts = operational_db.day_counts(days[0], days[-1]) if days else {}
        for day in days:
            source = counts.get(day, (0, 0))[index]
            silver = silver_rows(lake, table.name, day)
            if source != silver:
                mismatches.append({"day": day, "source_rows": source, "silver_rows": silver})
        offending = pa.Table.from_pylist(mismatches) if mismatches else pa.table({})
        return check_result(
            "row_count_matches_source", silver_key(table.name), offending, days_checked=len(days)
        )

    return _check


@dg.asset_check(
    asset=kpi_key("monthly_revenue"),
    name="revenue_reconciles_with_silver",
    blocking=True,
    description="each month's revenue equals the sum of its silver invoice items, within "
    f"{REVENUE_TOLERANCE}",
)
def revenue_reconciles_with_silver(lake: DatalakeResource) -> dg.AssetCheckResult:
    """The monthly revenue KPI against the silver item totals, month by month."""
    kpi = lake.read_table(gold_path("monthly_revenue"))
    params = {
        "silver_items": lake.silver_glob(schema.ITENS.name, True),
        "tolerance": REVENUE_TOLERANCE,
    }
    with duckdb.connect() as con:
        con.register("kpi", kpi)
        offending = offending_rows(con, "revenue_reconciliation.sql", params)
    return check_result(
        "revenue_reconciles_with_silver",
        kpi_key("monthly_revenue"),
        offending,
        months_checked=kpi.num_rows,
    )


def build_checks(partitions_def: dg.PartitionsDefinition) -> list[dg.AssetChecksDefinition]:
    """Every asset check of the platform."""
    return [
        *(build_source_checks(table, partitions_def) for table in schema.FACTS),
        *(build_silver_count_check(table, partitions_def) for table in schema.FACTS),
        revenue_reconciles_with_silver,
    ]
