"""The contenders of the generation benchmark: one day of facts built four ways.

Every contender builds the same day: the same invoice count and numbers, drawing customers,
sellers and products with the same weights, items per invoice, quantities and prices from the
same distributions, as `datagen_platform.generation.facts` does. Only the way rows are built
differs (see `bench.generation`). This module imports neither Dagster nor the rest of the suite,
so a memory probe process that builds a day stays small.
"""

import bisect
import math
import random
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
from faker import Faker

from datagen_platform.generation import (
    Scenario,
    curves,
    generate_day,
    load_profile,
    planned_invoice_count,
)
from datagen_platform.generation.dimensions import dimension_keys

DAY = date(2015, 3, 4)  # a Wednesday in March: a busy, ordinary day
START = date(2015, 1, 1)
CONTENDERS = ("row dicts", "DataFrame from row dicts", "DataFrame, vectorised", "columnar (ours)")
OURS = "columnar (ours)"
REDRAW_ROUNDS = 8


@dataclass(frozen=True)
class DayPlan:
    """What every contender needs to build one day, prepared before any timing."""

    day: date
    count: int
    first_number: int
    cpfs: list[str]
    customer_cdf: np.ndarray
    matriculas: list[str]
    seller_cdf: np.ndarray
    codes: list[str]
    product_cdf: np.ndarray
    list_prices: np.ndarray
    extra_items_mean: float
    most_items: int
    tax: float
    price_index: float


def scenario_for(profile: str, seed: int) -> Scenario:
    return Scenario(seed, load_profile(profile), START)


def plan_day(scenario: Scenario, day: date = DAY) -> DayPlan:
    """The day's invoice count and number range and the dimension keys with their weights."""
    keys = dimension_keys(scenario)
    profile = scenario.profile
    return DayPlan(
        day=day,
        count=planned_invoice_count(scenario, day),
        first_number=scenario.invoice_number_range(day)[0],
        cpfs=keys.cpfs.to_pylist(),
        customer_cdf=keys.customer_cdf,
        matriculas=keys.matriculas.to_pylist(),
        seller_cdf=keys.seller_cdf,
        codes=keys.product_codes.to_pylist(),
        product_cdf=keys.product_cdf,
        list_prices=keys.list_prices,
        extra_items_mean=profile.items_per_invoice - 1,
        most_items=min(curves.MAX_ITEMS_PER_INVOICE, profile.products),
        tax=curves.tax_rate(day),
        price_index=curves.price_index(scenario.seed, START.year, day.year),
    )


# The contenders. Each returns (invoices, items) in its own representation.


def row_dicts(plan: DayPlan, seed: int) -> tuple[list[dict], list[dict]]:
    """Invoices and items as lists of dicts, one row at a time."""
    fake = Faker("pt_BR")
    fake.seed_instance(seed)
    rnd = fake.random
    customer_cum, seller_cum = plan.customer_cdf.tolist(), plan.seller_cdf.tolist()
    product_cum, list_prices = plan.product_cdf.tolist(), plan.list_prices.tolist()
    threshold, discount = curves.VOLUME_DISCOUNT
    mu, sigma, noise = math.log(curves.QUANTITY_MEDIAN), curves.QUANTITY_SIGMA, curves.PRICE_NOISE

    notas, itens = [], []
    for offset in range(plan.count):
        numero = plan.first_number + offset
        notas.append(
            {
                "CPF": plan.cpfs[_pick(rnd, customer_cum)],
                "MATRICULA": plan.matriculas[_pick(rnd, seller_cum)],
                "DATA_VENDA": plan.day,
                "NUMERO": numero,
                "IMPOSTO": plan.tax,
            }
        )
        wanted = min(1 + _poisson(rnd, plan.extra_items_mean), plan.most_items)
        products: set[int] = set()
        while len(products) < wanted:
            products.add(_pick(rnd, product_cum))
        for product in sorted(products):
            litres = round(rnd.lognormvariate(mu, sigma))
            quantity = min(max(litres, 1), curves.QUANTITY_MAX)
            volume = 1 - discount if quantity >= threshold else 1.0
            factor = plan.price_index * volume * (1 + rnd.uniform(-noise, noise))
            itens.append(
                {
                    "NUMERO": numero,
                    "CODIGO_DO_PRODUTO": plan.codes[product],
                    "QUANTIDADE": quantity,
                    "PRECO": round(list_prices[product] * factor, 2),
                }
            )
    return notas, itens


def frames_from_row_dicts(plan: DayPlan, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The row dicts above, turned into two DataFrames."""
    notas, itens = row_dicts(plan, seed)
    return pd.DataFrame.from_records(notas), pd.DataFrame.from_records(itens)


def vectorised_frames(plan: DayPlan, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two DataFrames built a column at a time with numpy draws."""
    gen = np.random.default_rng(seed)
    numbers = np.arange(plan.first_number, plan.first_number + plan.count, dtype=np.int64)
    cpfs, matriculas = np.array(plan.cpfs, dtype=object), np.array(plan.matriculas, dtype=object)
    notas = pd.DataFrame(
        {
            "CPF": cpfs[_draw(gen, plan.customer_cdf, plan.count)],
            "MATRICULA": matriculas[_draw(gen, plan.seller_cdf, plan.count)],
            "DATA_VENDA": pd.Timestamp(plan.day),
            "NUMERO": numbers,
            "IMPOSTO": np.float32(plan.tax),
        }
    )
    counts = np.minimum(1 + gen.poisson(plan.extra_items_mean, plan.count), plan.most_items)
    itens = pd.DataFrame({"NUMERO": np.repeat(numbers, counts)})
    itens["product"] = _draw(gen, plan.product_cdf, len(itens))
    for _ in range(REDRAW_ROUNDS):
        repeated = itens.duplicated(["NUMERO", "product"])
        if not repeated.any():
            break
        itens.loc[repeated, "product"] = _draw(gen, plan.product_cdf, int(repeated.sum()))
    itens = itens.drop_duplicates(["NUMERO", "product"]).sort_values(["NUMERO", "product"])
    return notas, _priced_items(itens, plan, gen)


def columnar(scenario: Scenario) -> tuple[pa.Table, pa.Table]:
    """Our generator."""
    facts = generate_day(scenario, DAY)
    return facts.notas, facts.itens


def _priced_items(itens: pd.DataFrame, plan: DayPlan, gen: np.random.Generator) -> pd.DataFrame:
    size = len(itens)
    litres = gen.lognormal(math.log(curves.QUANTITY_MEDIAN), curves.QUANTITY_SIGMA, size)
    quantity = np.clip(np.rint(litres), 1, curves.QUANTITY_MAX).astype(np.int32)
    threshold, discount = curves.VOLUME_DISCOUNT
    volume = np.where(quantity >= threshold, 1 - discount, 1.0)
    noise = 1 + gen.uniform(-curves.PRICE_NOISE, curves.PRICE_NOISE, size)
    products = itens["product"].to_numpy()
    price = plan.list_prices[products] * plan.price_index * volume * noise
    return pd.DataFrame(
        {
            "NUMERO": itens["NUMERO"].to_numpy(),
            "CODIGO_DO_PRODUTO": np.array(plan.codes, dtype=object)[products],
            "QUANTIDADE": quantity,
            "PRECO": np.round(price, 2).astype(np.float32),
        }
    )


def _pick(rnd: random.Random, cumulative: list[float]) -> int:
    # The same inverse-CDF draw as the columnar generator, on Python floats.
    return min(bisect.bisect_right(cumulative, rnd.random()), len(cumulative) - 1)


def _poisson(rnd: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means of items per invoice."""
    limit, count, product = math.exp(-mean), 0, rnd.random()
    while product > limit:
        count += 1
        product *= rnd.random()
    return count


def _draw(gen: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, gen.random(size), side="right"), len(cdf) - 1)


def build(contender: str, scenario: Scenario, plan: DayPlan, seed: int) -> int:
    """Build the day with one contender; returns the rows (invoices plus items) it made."""
    if contender == OURS:
        notas, itens = columnar(scenario)
    elif contender == "row dicts":
        notas, itens = row_dicts(plan, seed)
    elif contender == "DataFrame from row dicts":
        notas, itens = frames_from_row_dicts(plan, seed)
    elif contender == "DataFrame, vectorised":
        notas, itens = vectorised_frames(plan, seed)
    else:
        raise ValueError(f"unknown contender {contender!r}; expected one of {CONTENDERS}")
    return len(notas) + len(itens)
