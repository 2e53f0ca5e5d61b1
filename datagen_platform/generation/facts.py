"""Invoices and their items, one day at a time, built column-wise with numpy into Arrow.

A day's invoice count is drawn from its own stream (`planned_invoice_count`), and the day is cut
into blocks of at most `BLOCK_INVOICES` invoices, each block from its own stream. So a block is
built without the others, memory stays bounded per block, and concatenating the blocks gives the
day. Invoice numbers are reserved per day (`Scenario.invoice_number_range`): no database needed.
"""

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from datagen_platform import schema
from datagen_platform.generation import curves
from datagen_platform.generation.dimensions import DimensionKeys, dimension_keys
from datagen_platform.generation.scenario import Scenario
from datagen_platform.generation.streams import Stream, rng

BLOCK_INVOICES = 100_000
"""Invoices per block. Part of the output: each block draws from its own stream, so changing it
changes the rows of every day with more invoices than this."""
DEDUPLICATION_ROUNDS = 8


class DayFacts(NamedTuple):
    """The invoices of one day and their items, with the schemas of `datagen_platform.schema`."""

    notas: pa.Table
    itens: pa.Table


def planned_invoice_count(scenario: Scenario, day: date) -> int:
    """How many invoices `day` has: Poisson around `curves.expected_invoices`, below capacity.

    Cheap: no rows are built. Raises ConfigError for a day before the scenario's first day.
    """
    scenario.day_index(day)
    mean = curves.expected_invoices(scenario.profile, scenario.start_date, day)
    count = int(rng(scenario.seed, Stream.INVOICE_COUNT, day.toordinal()).poisson(mean))
    return min(count, scenario.profile.invoice_capacity)


def invoice_number_range(scenario: Scenario, day: date) -> tuple[int, int]:
    """The inclusive range of invoice numbers reserved for `day`; its invoices use a prefix."""
    return scenario.invoice_number_range(day)


def iter_day_blocks(scenario: Scenario, day: date) -> Iterator[DayFacts]:
    """The facts of `day` in blocks of at most `BLOCK_INVOICES` invoices with their items.

    A day without invoices yields no block. Concatenating the blocks gives `generate_day`. A day
    before the scenario's first day raises ConfigError here, before any block is built.
    """
    count = planned_invoice_count(scenario, day)
    first_number, _ = scenario.invoice_number_range(day)
    return _blocks(scenario, day, count, first_number)


def _blocks(scenario: Scenario, day: date, count: int, first_number: int) -> Iterator[DayFacts]:
    keys = dimension_keys(scenario)
    for block, offset in enumerate(range(0, count, BLOCK_INVOICES)):
        size = min(BLOCK_INVOICES, count - offset)
        yield _block(scenario, keys, day, block, first_number + offset, size)


def generate_day(scenario: Scenario, day: date) -> DayFacts:
    """All invoices of `day` and their items, as two Arrow tables."""
    blocks = list(iter_day_blocks(scenario, day))
    numero_type = scenario.profile.numero_type
    if not blocks:
        return DayFacts(
            schema.NOTAS.arrow_schema(numero_type).empty_table(),
            schema.ITENS.arrow_schema(numero_type).empty_table(),
        )
    if len(blocks) == 1:
        return blocks[0]
    return DayFacts(
        pa.concat_tables(block.notas for block in blocks),
        pa.concat_tables(block.itens for block in blocks),
    )


def _block(
    scenario: Scenario, keys: DimensionKeys, day: date, block: int, first_number: int, size: int
) -> DayFacts:
    gen = rng(scenario.seed, Stream.FACTS, day.toordinal(), block)
    numero_type = scenario.profile.numero_type
    numbers = np.arange(first_number, first_number + size, dtype=_numero_dtype(numero_type))

    customers = _draw(gen, keys.customer_cdf, size)
    sellers = _draw(gen, keys.seller_cdf, size)
    notas = {
        "CPF": keys.cpfs.take(customers),
        "MATRICULA": keys.matriculas.take(sellers),
        "DATA_VENDA": pa.array(np.full(size, np.datetime64(day, "D"))),
        "NUMERO": numbers,
        "IMPOSTO": np.full(size, curves.tax_rate(day), dtype=np.float32),
    }

    counts = _items_per_invoice(gen, scenario, size)
    products = _distinct_products(gen, keys.product_cdf, counts)
    quantities = _quantities(gen, len(products))
    itens = {
        "NUMERO": np.repeat(numbers, counts),
        "CODIGO_DO_PRODUTO": keys.product_codes.take(products),
        "QUANTIDADE": quantities,
        "PRECO": _prices(gen, scenario, day, keys.list_prices[products], quantities),
    }
    return DayFacts(
        pa.Table.from_pydict(notas, schema=schema.NOTAS.arrow_schema(numero_type)),
        pa.Table.from_pydict(itens, schema=schema.ITENS.arrow_schema(numero_type)),
    )


def _numero_dtype(numero_type: str) -> type:
    return np.int64 if numero_type == "bigint" else np.int32


def _draw(gen: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """Row indices drawn with the probabilities a cumulative weight array describes."""
    return np.searchsorted(cdf, gen.random(size), side="right")


def _items_per_invoice(gen: np.random.Generator, scenario: Scenario, size: int) -> np.ndarray:
    """1 + Poisson(items_per_invoice - 1), clipped to `curves.MAX_ITEMS_PER_INVOICE` and the
    number of products, since an invoice lists each product at most once."""
    profile = scenario.profile
    most = min(curves.MAX_ITEMS_PER_INVOICE, profile.products)
    return np.minimum(1 + gen.poisson(profile.items_per_invoice - 1, size), most)


def _distinct_products(gen: np.random.Generator, cdf: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Weighted product draws with no product twice in an invoice, sorted within each invoice.

    Draw with replacement, sort by (invoice, product), redraw the repeats; after a few rounds the
    rare invoices still holding a repeat take consecutive products from a random start instead.
    """
    n_products = len(cdf)
    owners = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    products = _draw(gen, cdf, len(owners))
    for _ in range(DEDUPLICATION_ROUNDS):
        products, repeats = _sort_and_find_repeats(owners, products, n_products)
        if repeats.size == 0:
            return products
        products[repeats] = _draw(gen, cdf, repeats.size)

    products, repeats = _sort_and_find_repeats(owners, products, n_products)
    if repeats.size:
        stuck = np.isin(owners, owners[repeats])
        position = np.arange(len(owners)) - (np.cumsum(counts) - counts)[owners]
        start = gen.integers(0, n_products, len(counts))
        products[stuck] = (start[owners[stuck]] + position[stuck]) % n_products
        products, _ = _sort_and_find_repeats(owners, products, n_products)
    return products


def _sort_and_find_repeats(
    owners: np.ndarray, products: np.ndarray, n_products: int
) -> tuple[np.ndarray, np.ndarray]:
    # Owners are already ascending, so sorting the combined key keeps each item with its invoice.
    combined = np.sort(owners * n_products + products)
    repeats = np.flatnonzero(combined[1:] == combined[:-1]) + 1
    return combined % n_products, repeats


def _quantities(gen: np.random.Generator, size: int) -> np.ndarray:
    """QUANTIDADE in litres (see `curves.QUANTITY_MEDIAN`)."""
    litres = gen.lognormal(np.log(curves.QUANTITY_MEDIAN), curves.QUANTITY_SIGMA, size)
    return np.clip(np.rint(litres), 1, curves.QUANTITY_MAX).astype(np.int32)


def _prices(
    gen: np.random.Generator,
    scenario: Scenario,
    day: date,
    list_prices: np.ndarray,
    quantities: np.ndarray,
) -> np.ndarray:
    """PRECO: the list price adjusted for the year, volume discount and negotiation, in cents."""
    index = curves.price_index(scenario.seed, scenario.start_date.year, day.year)
    threshold, discount = curves.VOLUME_DISCOUNT
    volume = np.where(quantities >= threshold, 1 - discount, 1.0)
    noise = 1 + gen.uniform(-curves.PRICE_NOISE, curves.PRICE_NOISE, len(quantities))
    return np.round(list_prices * index * volume * noise, 2).astype(np.float32)
