"""Claim 3: generation time stays flat as the database grows, since nothing asks the database.

Each iteration generates a new day of invoices with one item each and loads it with
`replace_day`, timing the two apart. A least-squares line of seconds against the fact rows already
in the database tells whether either grows with the database: the report gives its slope and how
much the line climbs from the first iteration to the last, as a share of the median iteration.
Generation is also timed in CPU seconds of this process, which other work on a shared machine
barely moves, so a wall-clock rise from contention can be told from one the generator causes.
"""

import time
from datetime import date, timedelta

import pyarrow as pa

from bench import charts
from bench.core import Run, Section, Table
from bench.database import load_dimensions, throwaway_database
from bench.scenarios import busy_scenario, first_invoices
from bench.stats import Line, fit_line, format_count, format_percent, format_rate, summarize
from datagen_platform.generation import Scenario

# A rise of the fitted line below this share of its start counts as flat: well inside the
# run-to-run noise of a shared machine.
FLAT = 0.10
GENERATION, GENERATION_CPU, LOAD = "generation", "generation, CPU time", "load (replace_day)"


def run(bench: Run) -> Section:
    """Grow a throwaway database iteration by iteration and fit a line to each timing."""
    options = bench.options
    iterations, invoices = options.growth_iterations, options.growth_invoices
    scenario = busy_scenario(bench.sizes.profile, invoices, options.seed, items_per_invoice=1.0)
    bench.log(f"growth: {iterations} iterations of {invoices:,} invoices with one item each")

    before, generate, cpu, load = [], [], [], []
    with throwaway_database(options.server, scenario.profile.numero_type) as db:
        load_dimensions(db, scenario)
        in_database = 0
        for index in range(iterations):
            day = scenario.start_date + timedelta(days=index)
            blocks, generation_seconds, cpu_seconds = _generate(scenario, day, invoices)
            result = db.replace_day(day, blocks)
            before.append(in_database)
            generate.append(generation_seconds)
            cpu.append(cpu_seconds)
            load.append(result.seconds)
            in_database += sum(result.rows.values())
            if (index + 1) % 10 == 0:
                bench.log(f"  growth iteration {index + 1}/{iterations}")
    return _section(
        bench, before, {GENERATION: generate, GENERATION_CPU: cpu, LOAD: load}, in_database
    )


def _generate(
    scenario: Scenario, day: date, invoices: int
) -> tuple[list[tuple[pa.Table, pa.Table]], float, float]:
    started, started_cpu = time.perf_counter(), time.process_time()
    blocks = list(first_invoices(scenario, day, invoices))
    return blocks, time.perf_counter() - started, time.process_time() - started_cpu


def rise(line: Line, first: float, last: float, typical: float) -> float:
    """How much the line climbs from `first` to `last`, as a fraction of `typical` (the median
    iteration): unlike the line's own start, which a fit can put near or below zero."""
    return (line.at(last) - line.at(first)) / typical if typical else 0.0


def _section(bench: Run, before: list[int], timings: dict[str, list[float]], total: int) -> Section:
    options = bench.options
    x = [float(v) for v in before]
    lines = {name: fit_line(x, seconds) for name, seconds in timings.items()}
    rises = {
        name: rise(line, x[0], x[-1], summarize(timings[name]).median)
        for name, line in lines.items()
    }
    rows_per_iteration = total / len(before)
    table = Table(
        (
            "step",
            "median s / iteration",
            "min - max s",
            "median rows/s",
            "slope, s per million rows in the DB",
            "rise first to last",
            "r²",
        ),
        [
            _row(name, timings[name], line, rises[name], rows_per_iteration)
            for name, line in lines.items()
        ],
    )
    chart = charts.growth_scatter(
        bench.chart_path("growth"),
        "Seconds per iteration as the database grows",
        x,
        {name: (timings[name], line) for name, line in lines.items()},
    )
    section = Section(
        "growth",
        "Growth: time per iteration as the database grows",
        paragraphs=[
            f"{len(before)} iterations, each a new day of {options.growth_invoices:,} invoices "
            f"with one item each ({format_count(rows_per_iteration)} rows), from an empty "
            f"database to {format_count(total)} fact rows. Generation and the load are timed "
            f"apart; a line is fitted to seconds against the rows already in the database, and "
            f"a climb of the line from the first to the last iteration under "
            f"{format_percent(FLAT)} of the median iteration is taken as flat.",
            _verdict(rises),
        ],
        tables=[table],
        charts=[chart],
        data={
            "rows_before": before,
            "generation_seconds": timings[GENERATION],
            "generation_cpu_seconds": timings[GENERATION_CPU],
            "load_seconds": timings[LOAD],
            "slopes_seconds_per_row": {n: line.slope for n, line in lines.items()},
            "rise": rises,
        },
    )
    section.headline += [
        ("growth, generation rise over the run (wall clock)", _signed(rises[GENERATION])),
        ("growth, generation rise over the run (CPU time)", _signed(rises[GENERATION_CPU])),
        ("growth, load rise over the run", _signed(rises[LOAD])),
        ("growth, database size reached", f"{format_count(total)} fact rows"),
    ]
    return section


def _row(name: str, seconds: list[float], line: Line, climb: float, rows: float):
    summary = summarize(seconds)
    return (
        name,
        f"{summary.median:.3f}",
        f"{summary.low:.3f} - {summary.high:.3f}",
        format_rate(rows / summary.median),
        f"{line.slope * 1e6:+.4f}",
        _signed(climb),
        f"{line.r_squared:.2f}",
    )


def _signed(fraction: float) -> str:
    return f"{fraction * 100:+.1f} %"


def _verdict(rises: dict[str, float]) -> str:
    wall, cpu, load = rises[GENERATION], rises[GENERATION_CPU], rises[LOAD]
    if abs(wall) < FLAT:
        claim = f"The claim holds: generation time stays flat ({_signed(wall)})."
    elif abs(cpu) < FLAT:
        claim = (
            f"Generation's wall clock moves by {_signed(wall)}, but its CPU time stays flat "
            f"({_signed(cpu)}): the generator does the same work at every size, and the rise is "
            f"other work competing for the cores (the database's own, or the machine's)."
        )
    else:
        claim = (
            f"The claim does NOT hold on this run: generation moves by {_signed(wall)} in wall "
            f"clock and {_signed(cpu)} in CPU time along the fitted line."
        )
    if abs(load) < FLAT:
        return f"{claim} Loading stays flat too ({_signed(load)})."
    return (
        f"{claim} Loading does not stay flat: its line moves by {_signed(load)} of its median "
        f"iteration; loading is where the size of the database (bigger tables and indexes) "
        f"can show, generation never reads it."
    )
