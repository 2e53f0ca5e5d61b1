"""How close `MariaDBResource.replace_day` comes to the server's own bulk-load ceiling.

For one large day (100,000 invoices, ~250,000 items by default) it times, median of several runs:
(a) bare `LOAD DATA LOCAL INFILE` of ready CSV files into freshly emptied fact tables, and
(b) `replace_day` of the same rows, which also deletes the old day, validates and writes the CSV
files. It prints rows/s and the ratio b/a. With `--huge` it then loads a day of 1,000,000 invoices
in blocks and reports the process's peak resident memory.

Runs in a throwaway database on MARIADB_HOST/PORT/USER/PASSWORD (default root@127.0.0.1:3306):

    .venv/bin/python bench/load_speed.py [--invoices 100000] [--runs 3] [--block 100000] [--huge]
"""

import argparse
import os
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from datagen_platform.resources.mariadb import MariaDBResource, _write_csv
from datagen_platform.schema import CLIENTES, ITENS, NOTAS, PRODUTOS, VENDEDORES
from datagen_platform.sqlfiles import render_sql

DAY = date(2024, 11, 29)
CUSTOMERS, SELLERS, PRODUCTS = 5_000, 50, 40
SETTLE_SECONDS = 3.0


def dimensions() -> dict[str, pa.Table]:
    """Minimal dimension rows the facts can reference."""
    cpfs = [f"{i:011d}" for i in range(CUSTOMERS)]
    customers = {c.name: [None] * CUSTOMERS for c in CLIENTES.columns} | {"CPF": cpfs}
    sellers = {c.name: [None] * SELLERS for c in VENDEDORES.columns}
    sellers["MATRICULA"] = [f"{i:05d}" for i in range(SELLERS)]
    products = {c.name: [None] * PRODUCTS for c in PRODUTOS.columns}
    products["CODIGO_DO_PRODUTO"] = [f"{1_000_000 + i}" for i in range(PRODUCTS)]
    products["PRECO_DE_LISTA"] = [5.0] * PRODUCTS
    return {
        CLIENTES.name: pa.table(customers, schema=CLIENTES.arrow_schema()),
        VENDEDORES.name: pa.table(sellers, schema=VENDEDORES.arrow_schema()),
        PRODUTOS.name: pa.table(products, schema=PRODUTOS.arrow_schema()),
    }


def block(first: int, count: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """`count` invoices from NUMERO `first`, with 1-4 distinct products each (mean 2.5)."""
    rng = np.random.default_rng(seed)
    numeros = np.arange(first, first + count, dtype=np.int32)
    notas = pa.table(
        {
            "CPF": pa.array([f"{i:011d}" for i in rng.integers(0, CUSTOMERS, count)]),
            "MATRICULA": pa.array([f"{i:05d}" for i in rng.integers(0, SELLERS, count)]),
            "DATA_VENDA": pa.array(np.full(count, np.datetime64(DAY, "D"))).cast(pa.date32()),
            "NUMERO": numeros,
            "IMPOSTO": rng.choice(np.array([0.1, 0.12, 0.18], np.float32), count),
        },
        schema=NOTAS.arrow_schema(),
    )
    per_invoice = rng.integers(1, 5, count)
    # Distinct products per invoice: consecutive codes from a random start.
    offsets = np.arange(per_invoice.sum()) - np.repeat(
        np.cumsum(per_invoice) - per_invoice, per_invoice
    )
    codes = (np.repeat(rng.integers(0, PRODUCTS, count), per_invoice) + offsets) % PRODUCTS
    n = len(codes)
    itens = pa.table(
        {
            "NUMERO": np.repeat(numeros, per_invoice),
            "CODIGO_DO_PRODUTO": pa.array((codes + 1_000_000).astype(str)),
            "QUANTIDADE": rng.integers(1, 100, n, dtype=np.int32),
            "PRECO": rng.uniform(2, 30, n).astype(np.float32),
        },
        schema=ITENS.arrow_schema(),
    )
    return notas, itens


def blocks(invoices: int, block_size: int) -> Iterator[tuple[pa.Table, pa.Table]]:
    for start in range(0, invoices, block_size):
        yield block(1 + start, min(block_size, invoices - start), seed=start)


def empty_facts(db: MariaDBResource) -> None:
    conn = db._open(database=True)
    with conn, conn.cursor() as cur:
        # Housekeeping only: TRUNCATE is refused on a table that a foreign key points at.
        cur.execute("SET SESSION foreign_key_checks = 0")
        cur.execute("TRUNCATE TABLE itens_notas_fiscais")
        cur.execute("TRUNCATE TABLE notas_fiscais")


def bare_load(db: MariaDBResource, files: list[tuple[Path, Path]]) -> float:
    """Seconds to load ready CSV files into the (emptied) tables, in one transaction."""
    conn = db._open(database=True)
    with conn, conn.cursor() as cur:
        cur.execute(render_sql("mariadb/read_committed.sql"))
        start = time.perf_counter()
        conn.begin()
        for pair in files:
            for spec, path in zip((NOTAS, ITENS), pair, strict=True):
                sql = render_sql("mariadb/load_csv.sql", table=spec.name, columns=spec.columns)
                cur.execute(sql, {"path": str(path)})
        conn.commit()
        return time.perf_counter() - start


def compare(db: MariaDBResource, invoices: int, block_size: int, runs: int) -> None:
    day = list(blocks(invoices, block_size))
    rows = sum(n.num_rows + i.num_rows for n, i in day)
    print(f"day: {invoices:,} invoices + {rows - invoices:,} items in blocks of {block_size:,}")

    timings: dict[str, list[float]] = {"bare": [], "first": [], "again": []}
    with tempfile.TemporaryDirectory() as tmp:
        files = [
            (_write_csv(n, Path(tmp) / f"n{k}.csv"), _write_csv(i, Path(tmp) / f"i{k}.csv"))
            for k, (n, i) in enumerate(day)
        ]
        for run in range(runs):
            # Alternate which of (a) and (b) goes first, and let the server finish flushing the
            # previous load before each timing, so neither inherits the other's background work.
            for key in ("bare", "first") if run % 2 == 0 else ("first", "bare"):
                empty_facts(db)
                time.sleep(SETTLE_SECONDS)
                if key == "bare":
                    timings["bare"].append(bare_load(db, files))
                else:
                    timings["first"].append(db.replace_day(DAY, day).seconds)
            time.sleep(SETTLE_SECONDS)
            timings["again"].append(db.replace_day(DAY, day).seconds)

    a = statistics.median(timings["bare"])
    labels = {
        "bare": "(a) bare LOAD DATA, emptied tables",
        "first": "(b) replace_day, day absent",
        "again": "(c) replace_day, day present",
    }
    for key, label in labels.items():
        median = statistics.median(timings[key])
        print(
            f"{label:<36} {median:6.2f} s {rows / median:>10,.0f} rows/s "
            f"{a / median:5.0%} of (a)   runs {_fmt(timings[key])}"
        )


def huge(db: MariaDBResource, invoices: int, block_size: int) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = db.replace_day(DAY, blocks(invoices, block_size))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"huge day: {result.rows} in {result.seconds:.1f} s ({result.rows_per_second:,.0f} rows/s)"
        f"; peak RSS {peak / 1024:,.0f} MiB (before {before / 1024:,.0f} MiB)"
    )


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--block", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--huge", action="store_true", help="also load 1,000,000 invoices")
    args = parser.parse_args()

    env = os.environ
    db = MariaDBResource(
        host=env.get("MARIADB_HOST") or "127.0.0.1",
        port=int(env.get("MARIADB_PORT") or 3306),
        user=env.get("MARIADB_USER") or "root",
        password=env.get("MARIADB_PASSWORD", ""),
        database=f"datagen_bench_{uuid.uuid4().hex[:8]}",
    )
    try:
        db.ensure_schema()
        for name, rows in dimensions().items():
            db.load_dimension(name, rows)
        compare(db, args.invoices, args.block, args.runs)
        if args.huge:
            huge(db, 1_000_000, args.block)
    finally:
        conn = db._open(database=False)
        with conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{db.database}`")


if __name__ == "__main__":
    main()
