"""Silver writing and the KPI queries over a lake that grows through several volumes.

Days of facts come from the generator and go through the silver transform (`to_silver`) into the
lake (`DatalakeResource.write_silver`), as the silver assets write them; only the read back from
the operational database is left out. At each volume of item rows the suite runs what a KPI asset
does first (list the partitions, check every file's schema), then every KPI template in DuckDB.
"""

import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from bench import charts
from bench.core import Run, Section, Table, time_calls
from bench.stats import Summary, format_count, format_rate, format_seconds, summarize
from datagen_platform import schema
from datagen_platform.assets.silver import accepted_schemas, to_silver
from datagen_platform.generation import Scenario, generate_day, generate_dimension, load_profile
from datagen_platform.kpis import PARTITIONED, load_templates
from datagen_platform.resources.datalake import DatalakeResource

START = date(2015, 1, 1)
KPI_TARGET_ITEMS = 10_000_000


@dataclass
class Volume:
    """The lake at one size and what was measured on it."""

    items: int
    invoices: int
    days: int
    silver_rows: int
    silver_seconds: float
    check_seconds: float
    kpi_total: Summary
    kpi_each: dict[str, float] = field(default_factory=dict)

    @property
    def silver_rate(self) -> float:
        return self.silver_rows / self.silver_seconds


class LakeBuilder:
    """Appends generated days to a silver lake and keeps count of what it holds."""

    def __init__(self, lake: DatalakeResource, scenario: Scenario):
        self.lake, self.scenario = lake, scenario
        self.items = self.invoices = self.days = 0
        for table in schema.DIMENSIONS:
            rows = generate_dimension(scenario, table.name)
            lake.write_silver(table.name, to_silver(table.name, rows))

    def grow_to(self, items: int) -> tuple[int, float]:
        """Add days until the lake holds `items` item rows; returns rows written and the
        seconds spent in the silver transform and the writes (generation excluded)."""
        written, seconds = 0, 0.0
        while self.items < items:
            day = self.scenario.start_date + timedelta(days=self.days)
            facts = generate_day(self.scenario, day)
            started = time.perf_counter()
            itens = to_silver(schema.ITENS.name, facts.itens)
            notas = to_silver(schema.NOTAS.name, facts.notas, itens)
            self.lake.write_silver(schema.ITENS.name, itens, day)
            self.lake.write_silver(schema.NOTAS.name, notas, day)
            seconds += time.perf_counter() - started
            written += itens.num_rows + notas.num_rows
            self.items, self.invoices = self.items + itens.num_rows, self.invoices + notas.num_rows
            self.days += 1
        return written, seconds


def check_lake(lake: DatalakeResource) -> int:
    """List every fact partition and check each file's schema, as a KPI asset does first."""
    files = 0
    for table in PARTITIONED:
        for day in lake.list_partitions(table):
            lake.check_schema(lake.silver_file(table, day), accepted_schemas(table))
            files += 1
    return files


def run_kpis(lake: DatalakeResource) -> dict[str, float]:
    """Seconds of each KPI template, run one after the other on one DuckDB connection."""
    seconds = {}
    with duckdb.connect() as con:
        for template in load_templates():
            rendered = template.render(lambda t: lake.silver_glob(t, t in PARTITIONED))
            started = time.perf_counter()
            template.run(con, rendered)
            seconds[template.name] = time.perf_counter() - started
    return seconds


def measure(volumes: tuple[int, ...], profile: str, seed: int, repeat: int, log) -> list[Volume]:
    """Grow a temporary lake through `volumes` item rows, measuring at each."""
    results = []
    with tempfile.TemporaryDirectory(prefix="datagen-bench-lake-") as folder:
        lake = DatalakeResource(root=folder)
        builder = LakeBuilder(lake, Scenario(seed, load_profile(profile), START))
        for volume in volumes:
            written, silver_seconds = builder.grow_to(volume)
            check_seconds = min(time_calls(lambda: check_lake(lake), repeat))
            runs = [run_kpis(lake) for _ in range(repeat)]
            totals = summarize([sum(r.values()) for r in runs])
            each = {name: summarize([r[name] for r in runs]).median for name in runs[0]}
            results.append(
                Volume(
                    builder.items,
                    builder.invoices,
                    builder.days,
                    written,
                    silver_seconds,
                    check_seconds,
                    totals,
                    each,
                )
            )
            log(f"  lake at {builder.items:,} items: KPIs {totals.median:.2f} s")
    return results


def run(bench: Run) -> Section:
    """Silver writing rate and KPI time at each volume of the run's sizes."""
    volumes = bench.sizes.lake_volumes
    bench.log(f"lake: volumes {', '.join(f'{v:,}' for v in volumes)} item rows")
    results = measure(
        volumes, bench.sizes.profile, bench.options.seed, bench.options.repeat, bench.log
    )
    return _section(bench, results)


def _section(bench: Run, results: list[Volume]) -> Section:
    table = Table(
        (
            "item rows",
            "invoices",
            "days",
            "silver written, rows/s",
            "list + schema check",
            "all KPIs, median",
            "min - max",
            "slowest KPI",
        ),
        [_row(v) for v in results],
    )
    per_kpi = Table(
        ("KPI", *(f"{format_count(v.items)} items" for v in results)),
        [
            (name, *(format_seconds(v.kpi_each[name]) for v in results))
            for name in results[0].kpi_each
        ],
        caption="Median seconds of each KPI template at each volume.",
    )
    chart = charts.volume_lines(
        bench.chart_path("lake"),
        "KPI and schema-check seconds as the lake grows",
        [v.items for v in results],
        {
            "all KPIs (median)": [v.kpi_total.median for v in results],
            "list + schema check": [v.check_seconds for v in results],
        },
    )
    largest = results[-1]
    section = Section(
        "lake",
        "Lake: silver writing and KPIs over growing volumes",
        paragraphs=[
            f"Days of the `{bench.sizes.profile}` profile through the silver transform into a "
            f"temporary lake, measured at {len(results)} volumes. Silver rows/s counts invoices "
            f"plus items written per second of transform and write (generation excluded). Every "
            f"KPI template ({len(largest.kpi_each)}) runs {bench.options.repeat} times per "
            f"volume on one DuckDB connection.",
            _verdict(results),
        ],
        tables=[table, per_kpi],
        charts=[chart],
        data={
            "volumes": [
                {
                    "items": v.items,
                    "invoices": v.invoices,
                    "days": v.days,
                    "silver_rows_per_second": v.silver_rate,
                    "check_seconds": v.check_seconds,
                    "kpi_seconds": list(v.kpi_total.values),
                    "kpi_each_median": v.kpi_each,
                }
                for v in results
            ]
        },
    )
    section.headline += [
        (
            f"KPIs over {format_count(largest.items)} item rows",
            format_seconds(largest.kpi_total.median),
        ),
        ("silver writing", format_rate(largest.silver_rate)),
    ]
    return section


def _row(v: Volume) -> tuple[str, ...]:
    slowest = max(v.kpi_each, key=v.kpi_each.get)
    return (
        format_count(v.items),
        format_count(v.invoices),
        str(v.days),
        format_rate(v.silver_rate),
        format_seconds(v.check_seconds),
        format_seconds(v.kpi_total.median),
        f"{format_seconds(v.kpi_total.low)} - {format_seconds(v.kpi_total.high)}",
        f"{slowest} ({format_seconds(v.kpi_each[slowest])})",
    )


def _verdict(results: list[Volume]) -> str:
    first, last = results[0], results[-1]
    growth = last.items / first.items
    slower = last.kpi_total.median / first.kpi_total.median
    shape = "less than" if slower < growth else "at least"
    return (
        f"From {format_count(first.items)} to {format_count(last.items)} item rows "
        f"({growth:.1f} times the data) the KPIs take {slower:.1f} times as long: {shape} "
        f"in proportion to the data."
    )
