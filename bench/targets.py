"""The platform's speed targets, each measured here with its figure, threshold and verdict.

Figures other benchmarks of the same run already measured (generation rate, the replace_day
share of the ceiling, KPIs over ten million items) are taken from them; when those benchmarks
were not selected, the targets measure what they need themselves. A target is judged only at the
size it names: in a scaled-down run its verdict reads "not judged".
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from bench import charts, contenders, lake, loading, probe
from bench.core import Run, Section, Table, one_core, time_calls
from bench.database import (
    drop_database,
    load_dimensions,
    throwaway_database,
    throwaway_name,
)
from bench.scenarios import busy_scenario
from bench.stats import format_bytes, format_count, format_percent, format_rate, rates
from datagen_platform.assets.kpi import build_kpi_assets
from datagen_platform.assets.report import build_kpi_report
from datagen_platform.assets.silver import build_silver_assets
from datagen_platform.cli import run_stages
from datagen_platform.partitions import daily_partitions
from datagen_platform.resources.datalake import DatalakeResource

CLI_START = date(2015, 1, 1)
GIB = 1 << 30
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass(frozen=True)
class Target:
    """One speed target: a floor (`figure >= threshold`) or a limit (`figure < threshold`)."""

    name: str
    figure: float
    threshold: float
    floor: bool
    show: Callable[[float], str]
    at_size: bool
    measured_on: str
    error: str = ""

    @property
    def passed(self) -> bool:
        if self.error:
            return False
        return self.figure >= self.threshold if self.floor else self.figure < self.threshold

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR: not measured"
        if not self.at_size:
            return "not judged (scaled down)"
        return "PASS" if self.passed else "FAIL"

    @property
    def headroom(self) -> float:
        """Above 1 when the target is met: figure over floor, or limit over figure."""
        return self.figure / self.threshold if self.floor else self.threshold / self.figure

    def row(self) -> tuple[str, ...]:
        sign = ">=" if self.floor else "<"
        return (
            self.name,
            "-" if self.error else self.show(self.figure),
            f"{sign} {self.show(self.threshold)}",
            self.verdict,
            self.measured_on,
        )


def _seconds(value: float) -> str:
    return f"{value:.1f} s"


def generation_target(bench: Run) -> Target:
    done = bench.sections.get("generation")  # the generation benchmark of this run
    if done is not None:
        ours = done.data[contenders.OURS]
        rate, rows = ours["median_rows_per_second"], ours["rows"]
    else:
        scenario = contenders.scenario_for(bench.sizes.profile, bench.options.seed)
        with one_core():
            rows = contenders.build(contenders.OURS, scenario, None, bench.options.seed)
            seconds = time_calls(lambda: contenders.columnar(scenario), bench.options.repeat)
        rate = rates(rows, seconds).median
    return Target(
        "generation of a `large` day on one core",
        rate,
        1_000_000,
        True,
        format_rate,
        bench.sizes.profile == "large",
        f"{bench.sizes.profile} day {contenders.DAY}, {format_count(rows)} rows",
    )


def load_share_target(bench: Run) -> Target:
    done = bench.sections.get("loading")
    if done is not None:
        medians, rows = done.data["median_rows_per_second"], done.data["rows"]
    else:
        medians, rows = _load_share(bench)
    share = medians[loading.OURS] / medians[loading.CEILING]
    return Target(
        "`replace_day` rows/s as a share of bare LOAD DATA",
        share,
        0.8,
        True,
        format_percent,
        bench.sizes.profile == "large",
        f"{bench.sizes.profile} day {loading.DAY}, {format_count(rows)} rows, same run",
    )


def _load_share(bench: Run) -> tuple[dict[str, float], int]:
    options = bench.options
    scenario, blocks = loading.prepare_day(bench.sizes.profile, options.seed)
    with (
        throwaway_database(options.server, scenario.profile.numero_type) as db,
        tempfile.TemporaryDirectory(prefix="datagen-bench-") as folder,
    ):
        load_dimensions(db, scenario)
        inputs = loading.Inputs(blocks, Path(folder))
        timings = loading.measure(
            options.server,
            db,
            inputs,
            options.repeat,
            bench.log,
            names=(loading.OURS, loading.CEILING),
        )
    rows = inputs.rows
    return {name: rates(rows, seconds).median for name, seconds in timings.items()}, rows


def memory_target(bench: Run) -> Target:
    """Peak RSS of a process that loads a day of `memory_invoices` invoices with replace_day."""
    options, invoices = bench.options, bench.sizes.memory_invoices
    scenario = busy_scenario(bench.sizes.profile, invoices, options.seed)
    with throwaway_database(options.server, scenario.profile.numero_type) as db:
        load_dimensions(db, scenario)
        bench.log(f"targets: loading a day of {invoices:,} invoices in a separate process")
        result = probe.run_probe(
            "load-day",
            database=db.database,
            profile=bench.sizes.profile,
            invoices=invoices,
            seed=options.seed,
        )
    return Target(
        "peak memory loading a day of 1,000,000 invoices",
        result["peak_rss"],
        1.5 * GIB,
        False,
        format_bytes,
        invoices >= 1_000_000,
        f"{format_count(invoices)} invoices, {format_count(result['rows'])} rows in "
        f"{result['load_seconds']:.1f} s ({format_rate(result['rows'] / result['load_seconds'])})",
    )


def cli_and_silver_targets(bench: Run) -> list[Target]:
    """`datagen run` of classic years into MariaDB, then silver, KPIs and report over them."""
    days = bench.sizes.cli_days
    end = CLI_START + timedelta(days=days - 1)
    name = throwaway_name()
    try:
        with tempfile.TemporaryDirectory(prefix="datagen-bench-cli-") as folder:
            cli_seconds = _run_cli(bench, Path(folder), name, end)
            silver_seconds = _silver_and_kpis(bench, Path(folder), name)
    finally:
        drop_database(bench.options.server, name)
    scope = f"classic, {CLI_START} to {end} ({days} days)"
    full = days >= 731
    return [
        Target(
            "`datagen run` of two classic years into MariaDB",
            cli_seconds,
            60,
            False,
            _seconds,
            full,
            f"{scope}, wall clock of the command",
        ),
        Target(
            "silver, every KPI and the report for two classic years",
            silver_seconds,
            30,
            False,
            _seconds,
            full,
            f"{scope}, in-process Dagster runs",
        ),
    ]


def _run_cli(bench: Run, folder: Path, database: str, end: date) -> float:
    server = bench.options.server
    # Without DAGSTER_HOME the command runs on an in-memory instance, as it does by default.
    env = {
        **{key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"},
        "MARIADB_HOST": server.host,
        "MARIADB_PORT": str(server.port),
        "MARIADB_USER": server.user,
        "MARIADB_PASSWORD": server.password,
        "MARIADB_DATABASE": database,
        "DATAGEN_START_DATE": CLI_START.isoformat(),
        "DATAGEN_DATALAKE": str(folder / "lake"),
        "DATAGEN_WAREHOUSE": str(folder / "warehouse.duckdb"),
        "DATAGEN_EMBEDDED_PATH": str(folder / "embedded.duckdb"),
    }
    command = [*_datagen_command(), "run", "--start", CLI_START.isoformat()]
    command += ["--end", end.isoformat(), "--profile", "classic", "--seed", str(bench.options.seed)]
    bench.log(f"targets: {' '.join(command[-8:])}")
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"datagen run failed:\n{completed.stderr[-3000:]}")
    return seconds


def _datagen_command() -> list[str]:
    script = Path(sys.executable).parent / "datagen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "datagen_platform.cli"]


def _silver_and_kpis(bench: Run, folder: Path, database: str) -> float:
    """Seconds of one Dagster run materializing silver, the KPIs and the report."""
    partitions = daily_partitions(CLI_START)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)  # single-run backfills are beta
        assets = build_silver_assets(partitions)
    kpis = build_kpi_assets(partitions_def=partitions)
    defs = dg.Definitions(
        assets=[*assets, *kpis, build_kpi_report(kpis)],
        jobs=[dg.define_asset_job("bench_silver_kpi_job", selection=dg.AssetSelection.all())],
        resources={
            "operational_db": bench.options.server.resource(database),
            "lake": DatalakeResource(root=str(folder / "bench-lake")),
            "warehouse": DuckDBResource(database=str(folder / "bench-warehouse.duckdb")),
        },
    )
    last = CLI_START + timedelta(days=bench.sizes.cli_days - 1)
    job = defs.resolve_job_def("bench_silver_kpi_job")
    range_tags = {
        "dagster/asset_partition_range_start": CLI_START.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat(),
    }
    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    # The same stages as `datagen run`: the days in one run, unpartitioned assets around it.
    for keys, ranged in run_stages(defs, "bench_silver_kpi_job"):
        result = job.execute_in_process(
            instance=instance,
            asset_selection=sorted(keys),
            tags=range_tags if ranged else {},
            run_config=QUIET,
            raise_on_error=True,
        )
        if not result.success:
            raise RuntimeError("the silver, KPI and report run failed")
    return time.perf_counter() - started


def kpi_target(bench: Run) -> Target:
    done = bench.sections.get("lake")
    volumes = done.data["volumes"] if done is not None else []
    if volumes:
        largest = volumes[-1]
        items, median = largest["items"], statistics.median(largest["kpi_seconds"])
    else:
        size = lake.KPI_TARGET_ITEMS if bench.sizes.full else bench.sizes.lake_volumes[-1]
        (volume,) = lake.measure(
            (size,), bench.sizes.profile, bench.options.seed, bench.options.repeat, bench.log
        )
        items, median = volume.items, volume.kpi_total.median
    return Target(
        "every KPI over 10 million item rows in DuckDB",
        median,
        10,
        False,
        _seconds,
        items >= lake.KPI_TARGET_ITEMS,
        f"{format_count(items)} item rows, median of {bench.options.repeat} runs",
    )


HOW = (
    "The `datagen run` figure is the wall clock of the whole command in a subprocess: interpreter "
    "start, imports and every asset its all-assets job holds. Silver, KPIs and report run in "
    "process as that command runs them (the days in one ranged run, the unpartitioned assets in "
    "runs around it) over the database it filled, into a fresh lake. Peak "
    "memory is the peak resident set size of a separate process that only loads the day."
)


def _summary(found: list[Target]) -> str:
    judged = [t for t in found if t.at_size and not t.error]
    failed = [t.name for t in judged if not t.passed]
    text = (
        f"{len(judged) - len(failed)} of {len(judged)} judged targets pass."
        if judged
        else "No target is judged in this run."
    )
    if failed:
        text += f" Failing: {'; '.join(failed)}."
    small = [t for t in found if not t.at_size and not t.error]
    if small:
        text += f" {len(small)} not judged: measured below the size they name."
    for target in (t for t in found if t.error):
        text += f" {target.name} could not be measured: {target.error}"
    return text


# What each measurement yields when it fails: the targets it would have judged.
_FAILED = {
    "generation_target": [("generation of a `large` day on one core", 1_000_000, True)],
    "load_share_target": [("`replace_day` rows/s as a share of bare LOAD DATA", 0.8, True)],
    "memory_target": [("peak memory loading a day of 1,000,000 invoices", 1.5 * GIB, False)],
    "cli_and_silver_targets": [
        ("`datagen run` of two classic years into MariaDB", 60, False),
        ("silver, every KPI and the report for two classic years", 30, False),
    ],
    "kpi_target": [("every KPI over 10 million item rows in DuckDB", 10, False)],
}


def _attempt(bench: Run, measure: Callable[[Run], Target | list[Target]]) -> list[Target]:
    """The targets `measure` yields, or error targets naming why it failed; the run goes on."""
    try:
        found = measure(bench)
    except Exception as error:  # one failed measurement must not lose the others
        bench.log(f"targets: {measure.__name__} failed: {error}")
        message = str(error).strip().splitlines()[-1][:300] if str(error).strip() else repr(error)
        return [
            Target(name, float("nan"), threshold, floor, str, False, message, error=message)
            for name, threshold, floor in _FAILED[measure.__name__]
        ]
    return found if isinstance(found, list) else [found]


def run(bench: Run) -> Section:
    """Measure or collect every target and judge it."""
    found = []
    for measure in (
        generation_target,
        load_share_target,
        memory_target,
        cli_and_silver_targets,
        kpi_target,
    ):
        found += _attempt(bench, measure)
    chart = charts.target_margins(
        bench.chart_path("targets"),
        "Speed targets: headroom (1 = exactly on target)",
        {t.name.replace("`", ""): t.headroom for t in found if not t.error},
    )
    section = Section(
        "targets",
        "Speed targets",
        paragraphs=[_summary(found), HOW],
        tables=[
            Table(
                ("target", "figure", "threshold", "verdict", "measured on"),
                [t.row() for t in found],
            )
        ],
        charts=[chart],
        data={
            t.name: {
                "figure": t.figure,
                "threshold": t.threshold,
                "floor": t.floor,
                "verdict": t.verdict,
            }
            for t in found
        },
    )
    section.headline += [
        (t.name.replace("`", ""), f"{t.show(t.figure)}, {t.verdict}") for t in found
    ]
    return section
