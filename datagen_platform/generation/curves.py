"""Every curve that shapes the generated sales, in one place, each with its table of values.

The mean number of invoices on a day is

    profile.invoices_per_day * weekday_factor(day) * month_factor(day) * growth_factor(years)

where `years` counts from the scenario's first day. Weekday and month factors average exactly 1,
so `invoices_per_day` is the mean of the first year before growth. The count itself is Poisson
around that mean.
"""

import math
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from datagen_platform.generation.streams import Stream, rng

if TYPE_CHECKING:
    from datagen_platform.generation.profiles import Profile

WEEKDAY_FACTORS = (1.05, 1.05, 1.10, 1.10, 1.25, 0.90, 0.55)
"""Invoices per weekday relative to the weekly mean (they average 1).

| Mon | Tue | Wed | Thu | Fri | Sat | Sun |
|-----|-----|-----|-----|-----|-----|-----|
| 1.05 | 1.05 | 1.10 | 1.10 | 1.25 | 0.90 | 0.55 |

Shops restock before the weekend; few deliveries happen on Sundays.
"""

MONTH_FACTORS = (1.30, 1.25, 1.10, 0.95, 0.85, 0.80, 0.80, 0.80, 0.90, 1.00, 1.05, 1.20)
"""Invoices per month relative to the yearly mean (they average 1).

| Jan | Feb | Mar | Apr | May | Jun | Jul | Aug | Sep | Oct | Nov | Dec |
|-----|-----|-----|-----|-----|-----|-----|-----|-----|-----|-----|-----|
| 1.30 | 1.25 | 1.10 | 0.95 | 0.85 | 0.80 | 0.80 | 0.80 | 0.90 | 1.00 | 1.05 | 1.20 |

The Brazilian summer (December to March) sells the most juice, the winter (June to August) least.
"""

TAX_PERIODS = (
    (date(1, 1, 1), 0.10),
    (date(2016, 1, 1), 0.12),
    (date(2019, 1, 1), 0.11),
    (date(2022, 7, 1), 0.12),
    (date(2027, 1, 1), 0.15),
)
"""IMPOSTO, the tax rate of every invoice issued from a date on (until the next row).

| from | IMPOSTO |
|------|---------|
| (earlier) | 0.10 |
| 2016-01-01 | 0.12 |
| 2019-01-01 | 0.11 |
| 2022-07-01 | 0.12 |
| 2027-01-01 | 0.15 |
"""

PRICE_ADJUSTMENT_RANGE = (0.03, 0.09)
"""List prices are adjusted every 1 January after the first year of the scenario.

| year | price index |
|------|-------------|
| first year of the scenario | 1 |
| each later year | previous index * (1 + a), a uniform in [0.03, 0.09], drawn per seed and year |

PRECO = PRECO_DE_LISTA * index(year) * (1 - volume discount) * (1 + u), u uniform in
[-PRICE_NOISE, +PRICE_NOISE], rounded to cents.
"""

PRICE_NOISE = 0.02
VOLUME_DISCOUNT = (100, 0.05)
"""Items of at least 100 litres get 5 % off the adjusted price."""

QUANTITY_MEDIAN, QUANTITY_SIGMA, QUANTITY_MAX = 30.0, 0.6, 300
"""QUANTIDADE in litres: lognormal with median 30 and sigma 0.6, rounded, clipped to [1, 300].

| quantile | 10 % | 50 % | 90 % |
|----------|------|------|------|
| litres | 14 | 30 | 65 |
"""

CUSTOMER_SKEW, PRODUCT_SKEW, SELLER_SKEW = 0.6, 0.4, 0.2
"""Exponents of the skewed weights (see `skewed_weights`); the top 20 % of rows take a share of
about 0.2 ** (1 - exponent) of the invoices or items.

| who | exponent | share of the top 20 % |
|-----|----------|-----------------------|
| customers (invoices) | 0.6 | 52 % (45 % with 15 customers) |
| products (items) | 0.4 | 38 % |
| sellers (invoices) | 0.2 | 28 % |
"""

MAX_ITEMS_PER_INVOICE = 12
"""Items per invoice: 1 + Poisson(items_per_invoice - 1), clipped to 12 and to the product count."""


def weekday_factor(day: date) -> float:
    """The weekday effect on the number of invoices (see `WEEKDAY_FACTORS`)."""
    return WEEKDAY_FACTORS[day.weekday()]


def month_factor(day: date) -> float:
    """The month effect on the number of invoices (see `MONTH_FACTORS`)."""
    return MONTH_FACTORS[day.month - 1]


def growth_factor(years: float, rate: float, cap: float) -> float:
    """Business growth after `years`: logistic, 1 at the start, growing by `rate` a year at first
    and levelling off below `cap` times the starting volume.

    | years | 0 | 1 | 5 | 10 | 20 | 40 |
    |-------|---|---|---|----|----|----|
    | rate 0.12, cap 3 | 1.00 | 1.12 | 1.65 | 2.25 | 2.84 | 3.00 |
    """
    if cap <= 1 or rate <= 0:
        return 1.0
    steepness = rate / (1 - 1 / cap)
    return cap / (1 + (cap - 1) * math.exp(-steepness * years))


def years_between(start: date, day: date) -> float:
    """Elapsed years from `start` to `day`, in days over the mean year length."""
    return (day - start).days / 365.25


def tax_rate(day: date) -> float:
    """IMPOSTO for invoices issued on `day` (see `TAX_PERIODS`)."""
    rate = TAX_PERIODS[0][1]
    for since, period_rate in TAX_PERIODS:
        if day >= since:
            rate = period_rate
    return rate


def yearly_price_adjustment(seed: int, year: int) -> float:
    """The fraction list prices rise by on 1 January of `year` in this scenario."""
    low, high = PRICE_ADJUSTMENT_RANGE
    return float(rng(seed, Stream.PRICE_ADJUSTMENT, year).uniform(low, high))


@cache
def price_index(seed: int, start_year: int, year: int) -> float:
    """Prices in `year` relative to the list prices of `start_year` (`PRICE_ADJUSTMENT_RANGE`)."""
    if year <= start_year:
        return 1.0
    return price_index(seed, start_year, year - 1) * (1 + yearly_price_adjustment(seed, year))


def skewed_weights(n: int, exponent: float) -> np.ndarray:
    """Weights of `n` rows, largest first, that sum to 1: ((rank + 0.5) / n) ** -exponent.

    These are the quantiles of a Pareto-like law, so the shape is exact rather than sampled: the
    top fraction q of the rows carries about q ** (1 - exponent) of the total.
    """
    weights = ((np.arange(n) + 0.5) / n) ** -exponent
    return weights / weights.sum()


def expected_invoices(profile: "Profile", start: date, day: date) -> float:
    """The mean invoice count of `day` in a scenario starting on `start` (module docstring)."""
    growth = growth_factor(years_between(start, day), profile.growth_rate, profile.growth_cap)
    return profile.invoices_per_day * weekday_factor(day) * month_factor(day) * growth
