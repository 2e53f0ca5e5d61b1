"""Scenarios sized for a benchmark: days with at least a given number of invoices."""

import dataclasses
import math
from collections.abc import Iterator
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from datagen_platform.generation import Scenario, iter_day_blocks, load_profile
from datagen_platform.generation.curves import MONTH_FACTORS, WEEKDAY_FACTORS
from datagen_platform.generation.profiles import required_numero_type

START = date(2015, 1, 1)
# Every day's mean is at least this fraction of `invoices_per_day` (a Sunday in a winter month).
_QUIETEST = min(WEEKDAY_FACTORS) * min(MONTH_FACTORS)
_BUSIEST = max(WEEKDAY_FACTORS) * max(MONTH_FACTORS)


def busy_scenario(
    base: str, invoices: int, seed: int, items_per_invoice: float | None = None
) -> Scenario:
    """A scenario on the `base` profile whose every day has at least `invoices` invoices.

    Growth is switched off, so every day is drawn from the same law and only the size of the
    database changes from one day to the next. `items_per_invoice` overrides the base's mean.
    """
    profile = load_profile(base)
    # A quarter above the quietest day's need plus a margin: many standard deviations of the
    # Poisson count, so no day falls short.
    per_day = float(math.ceil(invoices / _QUIETEST * 1.25) + 50)
    peak = per_day * _BUSIEST
    capacity = 10 ** math.ceil(math.log10(peak + 6 * math.sqrt(peak) + 1))
    busy = dataclasses.replace(
        profile,
        name=f"{base}-busy",
        invoices_per_day=per_day,
        items_per_invoice=items_per_invoice or profile.items_per_invoice,
        invoice_capacity=capacity,
        numero_type=required_numero_type(capacity),
        growth_rate=0.0,
        growth_cap=1.0,
    )
    return Scenario(seed, busy, START)


def first_invoices(scenario: Scenario, day: date, invoices: int) -> Iterator[tuple[pa.Table, ...]]:
    """The day's blocks cut after its first `invoices` invoices; later blocks are never built."""
    blocks = iter_day_blocks(scenario, day)
    remaining = invoices
    # Pull a block only while invoices are still missing: blocks are generated on demand.
    while remaining > 0:
        block = next(blocks, None)
        if block is None:
            raise ValueError(f"{day} of {scenario.profile.name} has fewer than {invoices} invoices")
        notas, itens = block
        if notas.num_rows > remaining:
            notas, itens = cut(notas, itens, remaining)
        remaining -= notas.num_rows
        yield notas, itens


def cut(notas: pa.Table, itens: pa.Table, invoices: int) -> tuple[pa.Table, pa.Table]:
    """The first `invoices` invoices of a block and their items."""
    notas = notas.slice(0, invoices)
    last = notas["NUMERO"][-1]
    return notas, itens.filter(pc.less_equal(itens["NUMERO"], last))
