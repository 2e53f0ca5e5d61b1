"""KPI assets: one per Jinja SQL template in `sql/kpis/`, computed by DuckDB over the silver lake.

Adding a template file adds an asset; its lineage comes from the `silver(...)` calls it makes.
"""

import warnings
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pyarrow as pa
import pydantic
from dagster_duckdb import DuckDBResource

from datagen_platform import schema
from datagen_platform.assets.silver import accepted_schemas, column_schema, silver_key
from datagen_platform.config import Settings
from datagen_platform.errors import DataIntegrityError
from datagen_platform.kpis import KPI_DIR, PARTITIONED, KpiTemplate, load_templates
from datagen_platform.partitions import daily_partitions
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.operational import OperationalDatabaseResource
from datagen_platform.sqlfiles import render_sql, split_statements

GROUP = "kpi"
POOL = "warehouse"
PREVIEW_ROWS = 10
# Which member of `day_counts(...)[day]` counts the rows of each fact table.
_COUNT_INDEX = {"notas_fiscais": 0, "itens_notas_fiscais": 1}


class KpiConfig(dg.Config):
    """Run configuration of a KPI: values replacing the template's declared parameters."""

    parameters: dict[str, Any] = pydantic.Field(
        default_factory=dict, description="Template parameters to override, e.g. top_n."
    )


def kpi_key(name: str) -> dg.AssetKey:
    """The asset key of a KPI, e.g. `kpi/monthly_revenue`."""
    return dg.AssetKey(["kpi", name])


def gold_path(name: str) -> str:
    """Where a KPI's result lands, relative to the lake root."""
    return f"gold/kpi/{name}.parquet"


def missing_days(
    table: str, lake_days: list[date], counts: dict[date, tuple[int, int]]
) -> list[date]:
    """The days on which the source has rows of `table` but the lake has no partition."""
    expected = {day for day, rows in counts.items() if rows[_COUNT_INDEX[table]] > 0}
    return sorted(expected - set(lake_days))


def check_silver_inputs(
    inputs: tuple[str, ...],
    lake: DatalakeResource,
    operational_db: OperationalDatabaseResource,
    days: tuple[date, date],
) -> None:
    """Refuse to compute a KPI over an incomplete or unreadable silver lake.

    Every fact day the source database has must have its partition, and every file must be
    Parquet with the silver schema: the error names the missing days or the bad file.
    """
    facts = [table for table in inputs if table in PARTITIONED]
    counts = operational_db.day_counts(*days) if facts else {}
    problems = []
    for table in facts:
        present = lake.list_partitions(table)
        missing = missing_days(table, present, counts)
        if missing:
            problems.append(
                f"silver/{schema.DATABASE}/{table} lacks {len(missing)} day(s) the source "
                f"database has: {_day_ranges(missing)}"
            )
        elif not present:
            problems.append(f"silver/{schema.DATABASE}/{table} has no partitions yet")
        for day in present:
            lake.check_schema(lake.silver_file(table, day), accepted_schemas(table))
    if problems:
        raise DataIntegrityError(
            "; ".join(problems) + ". Materialize those silver partitions before the KPIs."
        )
    for table in inputs:
        if table not in PARTITIONED:
            lake.check_schema(lake.silver_file(table), accepted_schemas(table))


def store_in_warehouse(con: duckdb.DuckDBPyConnection, name: str, result: pa.Table) -> None:
    """Replace the table `kpi.<name>` of the warehouse with `result`."""
    con.register("kpi_result", result)
    try:
        for statement in split_statements(
            render_sql("kpis/warehouse/replace_table.sql", table=name)
        ):
            con.execute(statement)
    finally:
        con.unregister("kpi_result")


def build_kpi_asset(
    template: KpiTemplate, partitions_def: dg.PartitionsDefinition | None = None
) -> dg.AssetsDefinition:
    """The asset `kpi/<name>` of one template; `partitions_def` bounds the days checked for
    completeness (by default the daily partitions from the environment's start date)."""

    @dg.asset(
        key=kpi_key(template.name),
        deps=[silver_key(table) for table in template.inputs],
        group_name=GROUP,
        kinds={"duckdb", "sql"},
        description=template.description,
        metadata=_definition_metadata(template),
        # DuckDB lets one process write the warehouse file at a time: a limit of 1 on this
        # pool queues KPI steps instead of letting them wait on the file lock.
        pool=POOL,
    )
    def _kpi(
        context: dg.AssetExecutionContext,
        config: KpiConfig,
        lake: DatalakeResource,
        warehouse: DuckDBResource,
        operational_db: OperationalDatabaseResource,
    ) -> dg.MaterializeResult:
        days = _day_bounds(partitions_def)
        check_silver_inputs(template.inputs, lake, operational_db, days)
        rendered = template.render(
            lambda table: lake.silver_glob(table, table in PARTITIONED), config.parameters
        )
        context.log.debug(f"{template.name} SQL:\n{rendered.sql}")

        with warehouse.get_connection() as con:
            result = template.run(con, rendered)
            store_in_warehouse(con, template.name, result)
        written = lake.write_table(gold_path(template.name), result)
        context.log.info(
            f"{template.name}: {result.num_rows} rows to {written.uri} and kpi.{template.name}"
        )
        return dg.MaterializeResult(metadata=_result_metadata(template, result, written.uri))

    return _kpi


def build_kpi_assets(
    templates_dir: Path = KPI_DIR, partitions_def: dg.PartitionsDefinition | None = None
) -> list[dg.AssetsDefinition]:
    """One KPI asset per `*.sql` template in `templates_dir`."""
    return [build_kpi_asset(template, partitions_def) for template in load_templates(templates_dir)]


def _day_bounds(partitions_def: dg.PartitionsDefinition | None) -> tuple[date, date]:
    if partitions_def is None:
        partitions_def = daily_partitions(Settings.from_env().start_date)
    first = partitions_def.get_first_partition_key()
    last = partitions_def.get_last_partition_key()
    if first is None or last is None:
        today = date.today()
        return today, today - timedelta(days=1)  # an empty range: no day is expected yet
    return date.fromisoformat(first), date.fromisoformat(last)


def _definition_metadata(template: KpiTemplate) -> dict[str, object]:
    # Code references are a beta API; the link from the UI to the template is worth it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        path = str(template.path.resolve())
        references = dg.CodeReferencesMetadataValue(
            code_references=[dg.LocalFileCodeReference(file_path=path, line_number=1)]
        )
    return {
        "dagster/code_references": references,
        "dagster/table_name": f"kpi.{template.name}",
        "template": template.path.name,
        "parameters": dg.MetadataValue.json(template.defaults),
    }


def _result_metadata(template: KpiTemplate, result: pa.Table, uri: str) -> dict[str, object]:
    preview = result.slice(0, PREVIEW_ROWS).to_pandas().to_markdown(index=False)
    return {
        "dagster/row_count": result.num_rows,
        "dagster/column_schema": column_schema(result.schema),
        "path": dg.MetadataValue.path(uri),
        "warehouse_table": f"kpi.{template.name}",
        "preview": dg.MetadataValue.md(preview),
    }


def _day_ranges(days: list[date]) -> str:
    """Consecutive days folded into ranges: `2024-01-01..2024-01-03, 2024-02-10`."""
    ranges: list[list[date]] = []
    for day in days:
        if ranges and day - ranges[-1][1] == timedelta(days=1):
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return ", ".join(
        first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        for first, last in ranges
    )
