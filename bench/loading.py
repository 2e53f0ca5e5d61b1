"""Claim 2: a bulk `LOAD DATA LOCAL INFILE` is an order of magnitude faster than pandas `to_sql`.

The same day of facts goes into emptied fact tables (foreign keys in place, dimensions loaded),
each way in one transaction:

- `pandas to_sql`: SQLAlchemy engine on pymysql, `method="multi"`, `TO_SQL_CHUNK` rows a statement.
- `pymysql executemany`: `EXECUTEMANY_BATCH` rows per call, which pymysql folds into multi-row
  INSERT statements.
- `replace_day (ours)`: `MariaDBResource.replace_day` from the Arrow blocks, as the assets load a
  day: it deletes the day, validates the rows, writes CSV files and runs LOAD DATA.
- `replace_day, day present`: the same call when the day is already loaded, so it first deletes
  the day's rows: what re-materializing a partition costs.
- `bare LOAD DATA`: ready CSV files of the same rows, loaded and nothing else: the server's ceiling.

Inputs each contender needs (DataFrames, tuples, CSV files) are prepared before the clock starts,
which favours the contenders that are not ours. The order of contenders rotates between
repetitions, and each load starts from freshly emptied tables after a short pause.
"""

import contextlib
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy

from bench import charts
from bench.core import Run, Section, Table
from bench.database import Server, empty_facts, load_dimensions, throwaway_database
from bench.stats import format_count, format_percent, format_rate, rates, ratio
from datagen_platform import schema
from datagen_platform.generation import Scenario, iter_day_blocks, load_profile
from datagen_platform.resources.mariadb import MariaDBResource
from datagen_platform.sqlfiles import render_sql

DAY = date(2015, 3, 4)
START = date(2015, 1, 1)
TO_SQL_CHUNK = 1_000
EXECUTEMANY_BATCH = 10_000
SETTLE_SECONDS = 1.0
OURS, CEILING = "replace_day (ours)", "bare LOAD DATA"
OURS_AGAIN = "replace_day, day present"
CONTENDERS = ("pandas to_sql", "pymysql executemany", OURS, OURS_AGAIN, CEILING)
_CSV = pacsv.WriteOptions(include_header=False, null_string="NULL")


class Inputs:
    """The day in every form a contender starts from, prepared once, untimed."""

    def __init__(self, blocks: list[tuple[pa.Table, pa.Table]], folder: Path):
        self.blocks = blocks
        notas = pa.concat_tables(b[0] for b in blocks)
        itens = pa.concat_tables(b[1] for b in blocks)
        self.rows = notas.num_rows + itens.num_rows
        self.invoices = notas.num_rows
        self.frames = (notas.to_pandas(), itens.to_pandas())
        self.tuples = (_tuples(notas), _tuples(itens))
        self.files = [
            (_csv(n, folder / f"{i}-notas.csv"), _csv(t, folder / f"{i}-itens.csv"))
            for i, (n, t) in enumerate(blocks)
        ]


def _tuples(table: pa.Table) -> list[tuple]:
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


def _csv(table: pa.Table, path: Path) -> Path:
    pacsv.write_csv(table, path, _CSV)
    return path


# The contenders. Each loads the whole day in one transaction.


def load_to_sql(server: Server, database: str, inputs: Inputs) -> None:
    url = sqlalchemy.URL.create(
        "mysql+pymysql",
        username=server.user,
        password=server.password or None,
        host=server.host,
        port=server.port,
        database=database,
    )
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as conn:
            for spec, frame in zip(schema.FACTS, inputs.frames, strict=True):
                frame.to_sql(
                    spec.name,
                    conn,
                    if_exists="append",
                    index=False,
                    method="multi",
                    chunksize=TO_SQL_CHUNK,
                )
    finally:
        engine.dispose()


def load_executemany(server: Server, database: str, inputs: Inputs) -> None:
    with contextlib.closing(server.connect(database)) as conn, conn.cursor() as cur:
        conn.begin()
        for spec, rows in zip(schema.FACTS, inputs.tuples, strict=True):
            columns = ", ".join(spec.column_names)
            marks = ", ".join(["%s"] * len(spec.column_names))
            sql = f"INSERT INTO {spec.name} ({columns}) VALUES ({marks})"
            for start in range(0, len(rows), EXECUTEMANY_BATCH):
                cur.executemany(sql, rows[start : start + EXECUTEMANY_BATCH])
        conn.commit()


def load_replace_day(db: MariaDBResource, inputs: Inputs) -> None:
    db.replace_day(DAY, inputs.blocks)


def load_bare(server: Server, database: str, inputs: Inputs) -> None:
    with contextlib.closing(server.connect(database)) as conn, conn.cursor() as cur:
        conn.begin()
        for pair in inputs.files:
            for spec, path in zip(schema.FACTS, pair, strict=True):
                sql = render_sql("mariadb/load_csv.sql", table=spec.name, columns=spec.columns)
                cur.execute(sql, {"path": str(path)})
        conn.commit()


def measure(
    server: Server,
    db: MariaDBResource,
    inputs: Inputs,
    repeat: int,
    log: Callable[[str], None],
    names: tuple[str, ...] = CONTENDERS,
    settle: float = SETTLE_SECONDS,
) -> dict[str, list[float]]:
    """Seconds of each of the contenders `names` per repetition, in a rotating order."""
    every = {
        "pandas to_sql": lambda: load_to_sql(server, db.database, inputs),
        "pymysql executemany": lambda: load_executemany(server, db.database, inputs),
        OURS: lambda: load_replace_day(db, inputs),
        OURS_AGAIN: lambda: load_replace_day(db, inputs),
        CEILING: lambda: load_bare(server, db.database, inputs),
    }
    loads = {name: every[name] for name in names}
    timings: dict[str, list[float]] = {name: [] for name in names}
    names = list(names)
    for repetition in range(repeat):
        shift = repetition % len(names)
        for name in names[shift:] + names[:shift]:
            empty_facts(server, db.database)
            if name == OURS_AGAIN:
                load_replace_day(db, inputs)  # untimed: the day is there before the timed call
            # Let the server finish flushing the previous load, so no one inherits its work.
            time.sleep(settle)
            started = time.perf_counter()
            loads[name]()
            timings[name].append(time.perf_counter() - started)
        log(f"  loading repetition {repetition + 1}/{repeat} done")
    return timings


def prepare_day(profile: str, seed: int) -> tuple[Scenario, list[tuple[pa.Table, pa.Table]]]:
    scenario = Scenario(seed, load_profile(profile), START)
    return scenario, [tuple(block) for block in iter_day_blocks(scenario, DAY)]


def run(bench: Run) -> Section:
    """Load the same day four ways and compare each with the bare LOAD DATA ceiling."""
    options = bench.options
    scenario, blocks = prepare_day(bench.sizes.profile, options.seed)
    with (
        throwaway_database(options.server, scenario.profile.numero_type) as db,
        tempfile.TemporaryDirectory(prefix="datagen-bench-") as folder,
    ):
        load_dimensions(db, scenario)
        inputs = Inputs(blocks, Path(folder))
        bench.log(f"loading: {format_count(inputs.rows)} rows, {options.repeat} repetitions")
        settle = 0.0 if options.quick else SETTLE_SECONDS
        timings = measure(options.server, db, inputs, options.repeat, bench.log, settle=settle)
    return _section(bench, inputs, timings)


def _section(bench: Run, inputs: Inputs, timings: dict[str, list[float]]) -> Section:
    summaries = {name: rates(inputs.rows, seconds) for name, seconds in timings.items()}
    ceiling = summaries[CEILING].median
    table = Table(
        ("contender", "median rows/s", "min - max rows/s", "of the ceiling", "median seconds"),
        [
            (
                name,
                format_rate(s.median),
                f"{format_rate(s.low)} - {format_rate(s.high)}",
                format_percent(ratio(s.median, ceiling)),
                f"{inputs.rows / s.median:.2f}",
            )
            for name, s in summaries.items()
        ],
    )
    chart = charts.rate_bars(
        bench.chart_path("loading"),
        "Loading one day into MariaDB, rows per second (log scale)",
        summaries,
        highlight="ours",
    )
    to_sql_factor = summaries[OURS].median / summaries["pandas to_sql"].median
    section = Section(
        "loading",
        "Loading: LOAD DATA LOCAL INFILE against to_sql and executemany",
        paragraphs=[
            f"One `{bench.sizes.profile}` day ({DAY}): {format_count(inputs.invoices)} invoices "
            f"and {format_count(inputs.rows - inputs.invoices)} items, "
            f"{format_count(inputs.rows)} rows, loaded {bench.options.repeat} times by each "
            f"contender into emptied fact tables with their foreign keys; `{OURS_AGAIN}` instead "
            f"finds the day loaded and replaces it. `pandas to_sql` sends chunks of "
            f"{TO_SQL_CHUNK:,} rows, `executemany` batches of {EXECUTEMANY_BATCH:,}. What each "
            f"contender starts from (DataFrames, tuples, CSV files, Arrow tables) is prepared "
            f"before the clock starts.",
            _verdict(summaries, to_sql_factor),
        ],
        tables=[table],
        charts=[chart],
        data={
            "rows": inputs.rows,
            "invoices": inputs.invoices,
            "seconds": timings,
            "median_rows_per_second": {n: s.median for n, s in summaries.items()},
        },
    )
    section.headline += [
        ("load, replace_day", f"{format_rate(summaries[OURS].median)}"),
        ("load, replace_day vs pandas to_sql", f"{to_sql_factor:.1f}x faster"),
        ("load, replace_day of the ceiling", format_percent(summaries[OURS].median / ceiling)),
    ]
    return section


def _verdict(summaries: dict, to_sql_factor: float) -> str:
    ours, ceiling = summaries[OURS].median, summaries[CEILING].median
    executemany = ours / summaries["pymysql executemany"].median
    if to_sql_factor >= 10:
        claim = f"The claim holds: our path is {to_sql_factor:.1f} times faster than `to_sql`."
    elif to_sql_factor > 1:
        claim = (
            f"The claim does NOT hold in full: our path is faster than `to_sql`, but only "
            f"{to_sql_factor:.1f} times, short of an order of magnitude."
        )
    else:
        claim = f"The claim does NOT hold: `to_sql` is faster than our path ({to_sql_factor:.2f}x)."
    versus = (
        f"Against `executemany` ours is {executemany:.1f} times faster."
        if executemany > 1
        else f"`executemany` is faster than ours ({1 / executemany:.2f}x)."
    )
    share = f"`replace_day` reaches {format_percent(ours / ceiling)} of the bare LOAD DATA rate."
    return f"{claim} {versus} {share}"
