"""Claim 1: building facts row by row (dicts) or in pandas is slower than the columnar generator.

Every contender builds the same day: the same invoice count and numbers, drawing customers,
sellers and products with the same weights, items per invoice, quantities and prices from the
same distributions, as `datagen_platform.generation.facts` does. Only the way the rows are built
differs:

- `row dicts`: one dict per invoice and per item, drawn with Faker's seeded random source (the
  `random.Random` behind every Faker provider). Weighted draws are a binary search over
  cumulative weights computed once (what `random.choices(..., cum_weights=...)` does), not
  Faker's `random_element`, which rebuilds its weight table on every call: that would be
  slowness no careful engineer writes.
- `DataFrame from row dicts`: the same rows handed to `pandas.DataFrame.from_records`, the usual
  next step when rows come from Faker.
- `DataFrame, vectorised`: pandas at its best, each column drawn at once with numpy, duplicates
  redrawn with `DataFrame.duplicated`, as a pandas engineer would write it.
- `columnar (ours)`: `generate_day`, numpy columns straight into Arrow tables.
"""

import time

from bench import charts, probe
from bench.contenders import CONTENDERS, DAY, OURS, DayPlan, build, plan_day, scenario_for
from bench.core import Run, Section, Table, one_core, time_calls
from bench.stats import (
    Summary,
    format_bytes,
    format_count,
    format_rate,
    format_seconds,
    rates,
    ratio,
)
from datagen_platform import schema
from datagen_platform.generation import generate_dimension

# The benchmark.

CONTENDER_NOTES = (
    "`row dicts` draws every value per row from Faker's seeded random source, with weighted "
    "picks as binary searches over cumulative weights computed once. `DataFrame from row dicts` "
    "hands those dicts to pandas, the usual path when rows come from Faker. `DataFrame, "
    "vectorised` is pandas at its best (the fair choice for the DataFrame claim): every column "
    "drawn at once with numpy, repeated products redrawn with `duplicated`. All draw from the "
    "same weights and distributions as our generator."
)


def run(bench: Run) -> Section:
    """Time each contender on the same day, pinned to one core, and probe its peak memory."""
    options = bench.options
    scenario = scenario_for(bench.sizes.profile, options.seed)
    plan = plan_day(scenario)
    bench.log(f"generation: {bench.sizes.profile} day {DAY}, {plan.count:,} invoices")

    results = {}
    with one_core() as core:
        for contender in CONTENDERS:
            started = time.perf_counter()
            rows = build(contender, scenario, plan, options.seed)  # warm-up, kept apart
            first = time.perf_counter() - started
            seconds = time_calls(
                lambda c=contender: build(c, scenario, plan, options.seed), options.repeat
            )
            rate = rates(rows, seconds)
            results[contender] = {"rows": rows, "first": first, "seconds": seconds, "rate": rate}
            bench.log(f"  {contender}: {format_rate(rate.median)}")
        dimensions = time_dimensions(bench.sizes.profile, options.seed, options.repeat)
    for contender in CONTENDERS:
        results[contender]["memory"] = probe.run_probe(
            "generation", profile=bench.sizes.profile, contender=contender, seed=options.seed
        )
    return _section(bench, plan, core, results, dimensions)


def time_dimensions(profile: str, seed: int, repeat: int) -> dict[str, tuple[int, Summary]]:
    """Rows and rows/s of each dimension table, built from scratch every time.

    Each build uses a scenario of its own seed, so nothing comes from the per-scenario caches: it
    is the cost a new scenario pays once.
    """
    timings = {}
    for index, table in enumerate(schema.DIMENSIONS):
        seconds, rows = [], 0
        for repetition in range(repeat):
            scenario = scenario_for(profile, seed + 1 + repetition + 100 * index)
            started = time.perf_counter()
            rows = generate_dimension(scenario, table.name).num_rows
            seconds.append(time.perf_counter() - started)
        timings[table.name] = (rows, rates(rows, seconds))
    return timings


def _dimension_table(dimensions: dict[str, tuple[int, Summary]]) -> Table:
    return Table(
        ("dimension table", "rows", "median rows/s", "min - max rows/s"),
        [
            (
                name,
                format_count(rows),
                format_rate(rate.median),
                f"{format_rate(rate.low)} - {format_rate(rate.high)}",
            )
            for name, (rows, rate) in dimensions.items()
        ],
        caption="The columnar generator's dimension tables, each built for a new scenario "
        "(cold: Faker text pools and keys drawn anew), on the same core.",
    )


def _section(
    bench: Run,
    plan: DayPlan,
    core: int,
    results: dict,
    dimensions: dict[str, tuple[int, Summary]],
) -> Section:
    ours = results[OURS]["rate"].median
    table = Table(
        (
            "contender",
            "rows",
            "first run",
            "median rows/s",
            "min - max rows/s",
            "vs ours",
            "peak RSS",
            "RSS added",
        ),
        [_row(name, result, ours) for name, result in results.items()],
    )
    chart = charts.rate_bars(
        bench.chart_path("generation"),
        "Generation of one day, rows per second (one core, log scale)",
        {name: result["rate"] for name, result in results.items()},
        highlight=OURS,
    )
    section = Section(
        "generation",
        "Generation: row dicts and DataFrames against columnar",
        paragraphs=[
            f"One `{bench.sizes.profile}` day ({plan.day}, {format_count(plan.count)} invoices "
            f"and their items), built {bench.options.repeat} times by each contender after one "
            f"warm-up run (shown apart as the first run), with the process pinned to CPU core "
            f"{core}. Peak memory comes "
            f"from a separate process per contender that builds the day once (peak resident set "
            f"size, and how much it grew over the resident size just before building).",
            CONTENDER_NOTES,
            _verdict(results),
        ],
        tables=[table, _dimension_table(dimensions)],
        charts=[chart],
        data={
            **{
                name: {
                    "rows": r["rows"],
                    "first_seconds": r["first"],
                    "seconds": r["seconds"],
                    "median_rows_per_second": r["rate"].median,
                    **r["memory"],
                }
                for name, r in results.items()
            },
            "dimensions": {
                name: {"rows": rows, "rows_per_second": list(rate.values)}
                for name, (rows, rate) in dimensions.items()
            },
        },
    )
    section.headline.append(("generation, columnar, one core", format_rate(ours)))
    for name in CONTENDERS[:-1]:
        section.headline.append(
            (f"generation, {name}", _versus(results[name]["rate"].median, ours))
        )
    return section


def _row(name: str, result: dict, ours: float) -> tuple[str, ...]:
    rate: Summary = result["rate"]
    memory = result["memory"]
    return (
        name,
        format_count(result["rows"]),
        format_seconds(result["first"]),
        format_rate(rate.median),
        f"{format_rate(rate.low)} - {format_rate(rate.high)}",
        f"{ratio(rate.median, ours):.3f}x",
        format_bytes(memory["peak_rss"]),
        format_bytes(memory["added_rss"]),
    )


def _versus(theirs: float, ours: float) -> str:
    if theirs < ours:
        return f"{ours / theirs:.1f}x slower than columnar"
    return f"{theirs / ours:.2f}x as fast as columnar"


def _verdict(results: dict) -> str:
    ours = results[OURS]["rate"].median
    sentences = []
    for name in CONTENDERS[:-1]:
        theirs = results[name]["rate"].median
        if theirs < ours:
            sentences.append(f"`{name}` is {ours / theirs:.1f} times slower than ours.")
        else:
            sentences.append(
                f"`{name}` is NOT slower: it reaches {theirs / ours:.2f} times our rows per "
                f"second, so the claim does not hold against it on this run."
            )
    held = all(results[name]["rate"].median < ours for name in CONTENDERS[:-1])
    claim = "The claim holds on this run." if held else "The claim does not fully hold."
    return " ".join([claim, *sentences])
