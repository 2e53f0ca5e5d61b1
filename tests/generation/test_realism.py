"""The documented curves hold in generated data: a classic year, and counts over a decade."""

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pytest

from datagen_platform.generation import generate_day, generate_dimension, planned_invoice_count
from datagen_platform.generation.curves import (
    growth_factor,
    tax_rate,
    yearly_price_adjustment,
    years_between,
)

# The documented tables, written out again so a silent change of the code shows up here.
WEEKDAY = (1.05, 1.05, 1.10, 1.10, 1.25, 0.90, 0.55)
MONTH = (1.30, 1.25, 1.10, 0.95, 0.85, 0.80, 0.80, 0.80, 0.90, 1.00, 1.05, 1.20)


@pytest.fixture(scope="module")
def invoices(classic_year) -> pa.Table:
    return pa.concat_tables(facts.notas for facts in classic_year.values())


@pytest.fixture(scope="module")
def items(classic_year) -> pa.Table:
    return pa.concat_tables(facts.itens for facts in classic_year.values())


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(n) for n in range((date(year + 1, 1, 1) - first).days)]


def test_seasonality_tables_average_one():
    assert sum(WEEKDAY) / 7 == pytest.approx(1.0)
    assert sum(MONTH) / 12 == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("years", "factor"), [(0, 1.00), (1, 1.12), (5, 1.65), (10, 2.25), (20, 2.84), (40, 3.00)]
)
def test_growth_curve_matches_its_table(years, factor):
    assert growth_factor(years, 0.12, 3.0) == pytest.approx(factor, abs=0.005)


def test_mean_invoices_per_day_follow_the_curves(classic_year, classic):
    start = classic.start_date
    expected = sum(
        75
        * WEEKDAY[day.weekday()]
        * MONTH[day.month - 1]
        * growth_factor(years_between(start, day), 0.12, 3.0)
        for day in classic_year
    )
    observed = sum(facts.notas.num_rows for facts in classic_year.values())
    assert 75 < observed / 365 < 85
    assert observed / expected == pytest.approx(1.0, abs=0.03)


def test_weekday_effect(classic_year):
    per_weekday = Counter()
    for day, facts in classic_year.items():
        per_weekday[day.weekday()] += facts.notas.num_rows
    assert 2.0 < per_weekday[4] / per_weekday[6] < 2.6  # Friday against Sunday: 1.25 / 0.55
    total = sum(per_weekday.values())
    for weekday, factor in enumerate(WEEKDAY):
        assert per_weekday[weekday] / total == pytest.approx(factor / 7, rel=0.08)


def test_month_effect_summer_sells_more(classic_year, classic):
    for month, factor in enumerate(MONTH, start=1):
        days = [day for day in classic_year if day.month == month]
        observed = sum(classic_year[day].notas.num_rows for day in days)
        expected = sum(
            75
            * factor
            * WEEKDAY[day.weekday()]
            * growth_factor(years_between(classic.start_date, day), 0.12, 3.0)
            for day in days
        )
        assert observed / expected == pytest.approx(1.0, rel=0.10), month
    january = sum(classic_year[day].notas.num_rows for day in classic_year if day.month == 1)
    july = sum(classic_year[day].notas.num_rows for day in classic_year if day.month == 7)
    assert january / july > 1.35


def test_volume_grows_over_the_years(classic):
    first = sum(planned_invoice_count(classic, day) for day in days_of(2015))
    tenth = sum(planned_invoice_count(classic, day) for day in days_of(2024))
    expected = sum(
        growth_factor(years_between(classic.start_date, d), 0.12, 3.0) for d in days_of(2024)
    ) / sum(growth_factor(years_between(classic.start_date, d), 0.12, 3.0) for d in days_of(2015))
    assert tenth / first == pytest.approx(expected, rel=0.05)
    assert tenth / first > 1.9


def test_items_per_invoice_and_quantities(invoices, items):
    per_invoice = np.bincount(np.unique(items["NUMERO"].to_numpy(), return_inverse=True)[1])
    assert len(per_invoice) == invoices.num_rows
    assert per_invoice.mean() == pytest.approx(2.5, abs=0.05)
    assert np.mean(per_invoice == 1) == pytest.approx(np.exp(-1.5), abs=0.02)
    assert per_invoice.max() <= 12

    litres = items["QUANTIDADE"].to_numpy()
    assert 28 <= np.median(litres) <= 32
    assert 12 <= np.quantile(litres, 0.1) <= 16 and 58 <= np.quantile(litres, 0.9) <= 72
    assert litres.min() >= 1 and litres.max() <= 300


def test_tax_rate_by_period(classic, invoices):
    assert np.all(invoices["IMPOSTO"].to_numpy() == np.float32(0.10))
    periods = {
        date(2015, 12, 31): 0.10, date(2016, 1, 1): 0.12, date(2018, 12, 31): 0.12,
        date(2019, 1, 1): 0.11, date(2022, 6, 30): 0.11, date(2022, 7, 1): 0.12,
        date(2026, 12, 31): 0.12, date(2027, 1, 1): 0.15, date(2040, 5, 5): 0.15,
    }  # fmt: skip
    for day, rate in periods.items():
        assert tax_rate(day) == rate
        imposto = generate_day(classic, day).notas["IMPOSTO"].to_numpy()
        assert np.all(imposto == np.float32(rate)), day


def test_prices_drift_from_the_list_price_year_by_year(classic, items):
    products = generate_dimension(classic, "tabela_de_produtos")
    list_price = dict(
        zip(
            products["CODIGO_DO_PRODUTO"].to_pylist(),
            products["PRECO_DE_LISTA"].to_pylist(),
            strict=True,
        )
    )

    def mean_ratio(itens: pa.Table) -> float:
        ratios = [
            price / list_price[code]
            for code, price in zip(
                itens["CODIGO_DO_PRODUTO"].to_pylist(), itens["PRECO"].to_pylist(), strict=True
            )
        ]
        return float(np.mean(ratios))

    assert mean_ratio(items) == pytest.approx(1.0, abs=0.01)
    previous = mean_ratio(items)
    for year in range(2016, 2021):
        week = [date(year, 3, 2) + timedelta(n) for n in range(7)]
        ratio = mean_ratio(pa.concat_tables(generate_day(classic, day).itens for day in week))
        adjustment = yearly_price_adjustment(classic.seed, year)
        assert 0.03 <= adjustment <= 0.09
        assert ratio / previous == pytest.approx(1 + adjustment, abs=0.01), year
        previous = ratio
    assert previous > 1.15  # five years of adjustments


def test_some_customers_buy_far_more_than_others(invoices):
    counts = sorted(Counter(invoices["CPF"].to_pylist()).values(), reverse=True)
    assert len(counts) == 15
    assert sum(counts[:3]) / sum(counts) == pytest.approx(0.451, abs=0.03)
    assert counts[0] / counts[-1] > 5


def test_some_products_sell_more_than_others(items):
    counts = sorted(Counter(items["CODIGO_DO_PRODUTO"].to_pylist()).values(), reverse=True)
    top = round(len(counts) * 0.2)
    assert 0.33 < sum(counts[:top]) / sum(counts) < 0.45
