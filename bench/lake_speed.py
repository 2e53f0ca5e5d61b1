"""How fast DuckDB computes the KPI catalog over a large silver lake.

Builds a silver lake directly with numpy and pyarrow (no generator, no database): ten million
invoice items by default, spread over daily partitions, plus the three dimension snapshots. Then
checks the lake as a KPI asset does (partition list and every file's schema) and runs each KPI
template in DuckDB, timing each step. Prints a markdown table.

    python bench/lake_speed.py                       # 10 million items in a temporary folder
    python bench/lake_speed.py --items 1000000 --lake var/bench-lake --keep

The target is the whole catalog under 10 s.
"""

import argparse
import os
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen_platform.assets.silver import accepted_schemas, silver_schema
from datagen_platform.kpis import PARTITIONED, load_templates
from datagen_platform.resources.datalake import DatalakeResource

FLAVORS = ["Laranja", "Uva", "Manga", "Maracujá", "Limão", "Morango", "Melancia", "Açaí"]
PACKAGES = [("PET", "1 Litro"), ("Lata", "350 ml"), ("Garrafa", "700 ml"), ("PET", "1,5 Litros")]
TARGET_SECONDS = 10.0


def build_lake(lake: DatalakeResource, items: int, first: date, days: int, seed: int) -> None:
    """Write dimension snapshots and `days` daily fact partitions of about `items` items."""
    rng = np.random.default_rng(seed)
    customers, sellers, products = 5_000, 40, 31
    lake.write_silver("tabela_de_clientes", _customers(customers, rng))
    lake.write_silver("tabela_de_vendedores", _sellers(sellers, rng))
    lake.write_silver("tabela_de_produtos", _products(products, rng))

    # Between one and five items per invoice, three on average.
    invoices = items // 3
    sizes = rng.integers(1, 6, invoices)
    day_of = np.sort(rng.integers(0, days, invoices))
    bounds = np.searchsorted(day_of, np.arange(days + 1))
    codes = pa.array([f"{1_000_000 + p}" for p in range(products)])
    prices = rng.uniform(2.0, 12.0, products).round(2)
    for index in range(days):
        day = first + timedelta(days=index)
        numbers = np.arange(bounds[index], bounds[index + 1], dtype=np.int32) + 1
        itens = _items(numbers, sizes[numbers - 1], codes, prices, rng)
        notas = _invoices(day, numbers, itens, customers, sellers, rng)
        lake.write_silver("notas_fiscais", notas, day)
        lake.write_silver("itens_notas_fiscais", itens, day)


def _customers(count: int, rng: np.random.Generator) -> pa.Table:
    cpfs = [f"{10_000_000_000 + 7919 * i:011d}" for i in range(count)]
    return pa.table(
        {
            "CPF": cpfs,
            "NOME": [f"Cliente {i}" for i in range(count)],
            "ENDERECO_1": ["Rua A"] * count,
            "ENDERECO_2": [""] * count,
            "BAIRRO": ["Centro"] * count,
            "CIDADE": ["Rio de Janeiro"] * count,
            "ESTADO": ["RJ"] * count,
            "CEP": ["20000000"] * count,
            "DATA_DE_NASCIMENTO": [date(1980, 1, 1)] * count,
            "IDADE": pa.array(rng.integers(18, 80, count), pa.int16()),
            "SEXO": ["F"] * count,
            "LIMITE_DE_CREDITO": rng.uniform(1e4, 2e5, count).round(0),
            "VOLUME_DE_COMPRA": rng.uniform(50, 400, count).round(0),
            "PRIMEIRA_COMPRA": [False] * count,
        },
        schema=silver_schema("tabela_de_clientes"),
    )


def _sellers(count: int, rng: np.random.Generator) -> pa.Table:
    return pa.table(
        {
            "MATRICULA": [f"{235 + i:05d}" for i in range(count)],
            "NOME": [f"Vendedor {i}" for i in range(count)],
            "PERCENTUAL_COMISSAO": rng.choice([0.08, 0.1, 0.11, 0.15], count),
            "DATA_ADMISSAO": [date(2014, 8, 15)] * count,
            "DE_FERIAS": [False] * count,
            "BAIRRO": ["Tijuca"] * count,
        },
        schema=silver_schema("tabela_de_vendedores"),
    )


def _products(count: int, rng: np.random.Generator) -> pa.Table:
    packages = [PACKAGES[p % len(PACKAGES)] for p in range(count)]
    return pa.table(
        {
            "CODIGO_DO_PRODUTO": [f"{1_000_000 + p}" for p in range(count)],
            "NOME_DO_PRODUTO": [f"Produto {p}" for p in range(count)],
            "EMBALAGEM": [package for package, _ in packages],
            "TAMANHO": [size for _, size in packages],
            "SABOR": [FLAVORS[p % len(FLAVORS)] for p in range(count)],
            "PRECO_DE_LISTA": rng.uniform(2.0, 12.0, count).round(2),
        },
        schema=silver_schema("tabela_de_produtos"),
    )


def _invoices(
    day: date,
    numbers: np.ndarray,
    items: pa.Table,
    customers: int,
    sellers: int,
    rng: np.random.Generator,
) -> pa.Table:
    count = len(numbers)
    # Items are sorted by NUMERO and numbers are consecutive: totals by offset from the first.
    offset = items["NUMERO"].to_numpy() - (numbers[0] if count else 0)
    litres = np.bincount(offset, items["QUANTIDADE"].to_numpy(), minlength=count)
    total = np.bincount(offset, items["VALOR_TOTAL"].to_numpy(), minlength=count)
    customer = rng.zipf(1.5, count) % customers  # a few customers buy far more than others
    cpfs = pa.array([f"{10_000_000_000 + 7919 * i:011d}" for i in range(customers)])
    sellers_ids = pa.array([f"{235 + i:05d}" for i in range(sellers)])
    return pa.table(
        {
            "CPF": pc.take(cpfs, pa.array(customer)),
            "MATRICULA": pc.take(sellers_ids, pa.array(rng.integers(0, sellers, count))),
            "DATA_VENDA": pa.array([day] * count, pa.date32()),
            "NUMERO": numbers,
            "IMPOSTO": rng.choice([0.1, 0.12, 0.15], count),
            "ANO": pa.array(np.full(count, day.year), pa.int16()),
            "MES": pa.array(np.full(count, day.month), pa.int16()),
            "ITENS": np.bincount(offset, minlength=count).astype(np.int32),
            "LITROS": litres.astype(np.int64),
            "VALOR_TOTAL": total,
        },
        schema=silver_schema("notas_fiscais"),
    )


def _items(
    numbers: np.ndarray,
    sizes: np.ndarray,
    codes: pa.Array,
    prices: np.ndarray,
    rng: np.random.Generator,
) -> pa.Table:
    numero = np.repeat(numbers, sizes)
    # Position of each item inside its invoice; a stride of 7 over 31 products never repeats one.
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.arange(len(numero)) - starts
    product = (np.repeat(rng.integers(0, len(codes), len(numbers)), sizes) + 7 * position) % len(
        codes
    )
    quantity = rng.integers(1, 100, len(numero)).astype(np.int32)
    price = prices[product]
    order = np.lexsort((product, numero))
    return pa.table(
        {
            "NUMERO": numero[order],
            "CODIGO_DO_PRODUTO": pc.take(codes, pa.array(product[order])),
            "QUANTIDADE": quantity[order],
            "PRECO": price[order],
            "VALOR_TOTAL": (quantity * price)[order],
        },
        schema=silver_schema("itens_notas_fiscais"),
    )


def check_lake(lake: DatalakeResource) -> int:
    """What a KPI asset checks before it runs: partitions listed, every footer's schema."""
    files = 0
    for table in PARTITIONED:
        for day in lake.list_partitions(table):
            lake.check_schema(lake.silver_file(table, day), accepted_schemas(table))
            files += 1
    return files


def count_rows(lake: DatalakeResource, table: str) -> int:
    """Rows of a silver fact table, from the Parquet footers."""
    glob = lake.silver_glob(table, partitioned=True)
    return duckdb.execute("SELECT count(*) FROM read_parquet($glob)", {"glob": glob}).fetchone()[0]


def revenue_gap(lake: DatalakeResource) -> float:
    """Invoice totals minus item totals over the whole lake: zero when the lake is consistent."""
    globs = {t: lake.silver_glob(t, partitioned=True) for t in PARTITIONED}
    sums = [
        duckdb.execute("SELECT sum(VALOR_TOTAL) FROM read_parquet($g)", {"g": glob}).fetchone()[0]
        for glob in (globs["notas_fiscais"], globs["itens_notas_fiscais"])
    ]
    return sums[0] - sums[1]


def run_kpis(lake: DatalakeResource) -> list[tuple[str, int, float]]:
    """Each template's rows and seconds, run one after another on one DuckDB connection."""
    timings = []
    with duckdb.connect() as con:
        for template in load_templates():
            rendered = template.render(lambda t: lake.silver_glob(t, t in PARTITIONED))
            start = time.perf_counter()
            result = template.run(con, rendered)
            timings.append((template.name, result.num_rows, time.perf_counter() - start))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000_000, help="invoice items to write")
    parser.add_argument("--days", type=int, default=1096, help="daily partitions (from 2022)")
    parser.add_argument("--lake", help="lake folder; a temporary one by default")
    parser.add_argument("--keep", action="store_true", help="keep the lake folder afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing --lake as is")
    args = parser.parse_args()

    folder = Path(args.lake or tempfile.mkdtemp(prefix="lake-speed-"))
    lake = DatalakeResource(root=str(folder))
    try:
        start = time.perf_counter()
        if not args.reuse:
            build_lake(lake, args.items, date(2022, 1, 1), args.days, seed=7)
        built = time.perf_counter() - start

        start = time.perf_counter()
        files = check_lake(lake)
        checked = time.perf_counter() - start

        timings = run_kpis(lake)
        total = sum(seconds for _, _, seconds in timings)
        rows = [count_rows(lake, table) for table in ("notas_fiscais", "itens_notas_fiscais")]
        _print_report(rows, files, built, checked, revenue_gap(lake), timings, total)
    finally:
        if not args.keep and not args.lake:
            shutil.rmtree(folder, ignore_errors=True)


def _print_report(rows, files, built, checked, gap, timings, total) -> None:
    print(
        f"# KPI speed: {rows[1]:,} items, {rows[0]:,} invoices, {files // 2} days, "
        f"{os.cpu_count()} cores\n"
    )
    print(f"- lake written in {built:.1f} s ({files} fact files)")
    print(f"- partition list and schema check of every file: {checked:.2f} s")
    print(f"- invoice totals minus item totals: {gap:.6f}\n")
    print("| KPI | rows | seconds |\n|---|---:|---:|")
    for name, rows, seconds in timings:
        print(f"| {name} | {rows:,} | {seconds:.2f} |")
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(f"| **all KPIs** | | **{total:.2f}** |\n\n{verdict} the {TARGET_SECONDS:g} s target")


if __name__ == "__main__":
    main()
