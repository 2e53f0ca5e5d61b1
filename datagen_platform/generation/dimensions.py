"""The static dimensions of a scenario: customers, sellers and products, built column-wise.

Keys and weights (who buys, who sells, what sells) come from their own random streams and are
cached per scenario, so generating a day of facts never builds a whole dimension table. Text
comes from small pt_BR Faker pools drawn once per scenario and combined with numpy indices, which
keeps 100,000 customers to about a second.
"""

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

from datagen_platform import schema
from datagen_platform.generation import catalog, curves
from datagen_platform.generation.identifiers import digit_strings, make_cpfs
from datagen_platform.generation.scenario import Scenario
from datagen_platform.generation.streams import Stream, rng

POOL_SIZE = 400
"""Faker draws per text pool; duplicates are dropped, so a pool holds at most this many values."""


@dataclass(frozen=True)
class DimensionKeys:
    """What the facts need of the dimensions: the keys, and the cumulative weights of the rows."""

    cpfs: pa.StringArray
    customer_cdf: np.ndarray
    matriculas: pa.StringArray
    seller_cdf: np.ndarray
    product_codes: pa.StringArray
    product_cdf: np.ndarray
    list_prices: np.ndarray


@dataclass(frozen=True)
class _Customers:
    cpfs: pa.StringArray
    cities: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class _Products:
    codes: pa.StringArray
    brands: list[str]
    packs: np.ndarray
    flavours: np.ndarray
    list_prices: np.ndarray
    weights: np.ndarray


def generate_dimension(scenario: Scenario, table: str) -> pa.Table:
    """The whole dimension `table` of the scenario, with the schema of `datagen_platform.schema`."""
    builders = {
        schema.CLIENTES.name: _customers_table,
        schema.VENDEDORES.name: _sellers_table,
        schema.PRODUTOS.name: _products_table,
    }
    if table not in builders:
        raise ValueError(f"{table!r} is not a dimension; expected one of {', '.join(builders)}")
    return builders[table](scenario)


@lru_cache(maxsize=8)
def dimension_keys(scenario: Scenario) -> DimensionKeys:
    """The keys and weights the fact generator draws from, cached per scenario."""
    customers, products = _customer_core(scenario), _product_core(scenario)
    matriculas, seller_weights = _seller_core(scenario)
    return DimensionKeys(
        cpfs=customers.cpfs,
        customer_cdf=_cdf(customers.weights),
        matriculas=matriculas,
        seller_cdf=_cdf(seller_weights),
        product_codes=products.codes,
        product_cdf=_cdf(products.weights),
        list_prices=products.list_prices,
    )


def _cdf(weights: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(weights)
    cdf[-1] = 1.0  # draws in [0, 1) then never fall past the last row
    return cdf


def _skewed(gen: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    # Shuffled, so the heaviest row is a random one rather than the first.
    return gen.permutation(curves.skewed_weights(n, exponent))


# --- customers ---------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _customer_core(scenario: Scenario) -> _Customers:
    n, gen = scenario.profile.customers, rng(scenario.seed, Stream.CUSTOMER_KEYS)
    city_weights = np.array([city[4] for city in catalog.CITIES])
    cities = gen.choice(len(catalog.CITIES), size=n, p=city_weights / city_weights.sum())

    # Bodies with all eight digits equal would give a repeated-digit CPF, which is never issued.
    bodies = gen.choice(10**8, size=n + 10, replace=False)
    bodies = bodies[bodies % 11_111_111 != 0][:n]
    regions = np.array([catalog.CPF_REGION[city[1]] for city in catalog.CITIES])[cities]
    weights = _skewed(gen, n, curves.CUSTOMER_SKEW)
    return _Customers(make_cpfs(bodies, regions), cities, weights)


def _customers_table(scenario: Scenario) -> pa.Table:
    core, pools = _customer_core(scenario), _text_pools(scenario.seed)
    n, gen = scenario.profile.customers, rng(scenario.seed, Stream.CUSTOMERS)
    sexes, names = _person_names(gen, pools, n)
    birth_dates, ages = _birth_dates(gen, scenario.start_date, n)
    volumes = _monthly_volumes(gen, scenario, core.weights)
    columns = {
        "CPF": core.cpfs,
        "NOME": names,
        "ENDERECO_1": _street_addresses(gen, pools, n),
        "ENDERECO_2": _complements(gen, n),
        "BAIRRO": pools.bairros.take(gen.integers(0, len(pools.bairros), n)),
        "CIDADE": pa.array([city[0] for city in catalog.CITIES]).take(core.cities),
        "ESTADO": pa.array([city[1] for city in catalog.CITIES]).take(core.cities),
        "CEP": _ceps(gen, core.cities),
        "DATA_DE_NASCIMENTO": birth_dates,
        "IDADE": ages,
        "SEXO": sexes,
        "LIMITE_DE_CREDITO": _round_to(volumes * gen.uniform(4.0, 8.0, n), 1000).astype(np.float32),
        "VOLUME_DE_COMPRA": volumes.astype(np.float32),
        "PRIMEIRA_COMPRA": gen.random(n) < 0.7,
    }
    return pa.Table.from_pydict(columns, schema=schema.CLIENTES.arrow_schema())


def _person_names(
    gen: np.random.Generator, pools: "_TextPools", n: int
) -> tuple[pa.Array, pa.Array]:
    """SEXO and a full name whose first name matches it: one or two surnames."""
    female = gen.random(n) < 0.5
    male_first = pools.male.take(gen.integers(0, len(pools.male), n))
    female_first = pools.female.take(gen.integers(0, len(pools.female), n))
    first = pc.if_else(pa.array(female), female_first, male_first)
    last = pools.surnames.take(gen.integers(0, len(pools.surnames), n))
    second = pc.if_else(
        pa.array(gen.random(n) < 0.5),
        pc.binary_join_element_wise(
            " ", pools.surnames.take(gen.integers(0, len(pools.surnames), n)), ""
        ),
        "",
    )
    names = pc.binary_join_element_wise(first, " ", last, second, "")
    return pc.if_else(pa.array(female), "F", "M"), names


def _street_addresses(gen: np.random.Generator, pools: "_TextPools", n: int) -> pa.Array:
    kinds = [kind for kind, _ in catalog.STREET_KINDS]
    kind_p = np.array([weight for _, weight in catalog.STREET_KINDS])
    kind = pa.array(kinds).take(gen.choice(len(kinds), size=n, p=kind_p / kind_p.sum()))
    street = pools.honorees.take(gen.integers(0, len(pools.honorees), n))
    number = pc.cast(pa.array(gen.integers(1, 3000, n)), pa.string())
    return pc.binary_join_element_wise(kind, " ", street, ", ", number, "")


def _complements(gen: np.random.Generator, n: int) -> pa.Array:
    """ENDERECO_2: empty for 60 % of the customers, else e.g. `Apto 304`."""
    kind = pa.array(catalog.COMPLEMENTS).take(gen.integers(0, len(catalog.COMPLEMENTS), n))
    number = pc.cast(pa.array(gen.integers(1, 1000, n)), pa.string())
    filled = pc.binary_join_element_wise(kind, " ", number, "")
    return pc.if_else(pa.array(gen.random(n) < 0.4), filled, "")


def _ceps(gen: np.random.Generator, cities: np.ndarray) -> pa.StringArray:
    low = np.array([city[2] for city in catalog.CITIES])[cities]
    high = np.array([city[3] for city in catalog.CITIES])[cities]
    prefixes = low + (gen.random(len(cities)) * (high - low + 1)).astype(np.int64)
    return digit_strings(prefixes * 1000 + gen.integers(0, 1000, len(cities)), 8)


def _birth_dates(gen: np.random.Generator, start: date, n: int) -> tuple[pa.Array, np.ndarray]:
    """Birth dates of adults aged 18 to 80 on the first day, and IDADE on that day."""
    start_day = np.datetime64(start, "D")
    born = start_day - gen.integers(round(18 * 365.25), round(80 * 365.25), n)
    years = born.astype("datetime64[Y]")
    month_day = (born - years.astype("datetime64[M]").astype("datetime64[D]")).astype(int)
    month = (born.astype("datetime64[M]") - years.astype("datetime64[M]")).astype(int) + 1
    not_yet = (month * 100 + month_day + 1) > (start.month * 100 + start.day)
    ages = start.year - (years.astype(int) + 1970) - not_yet
    return pa.array(born), ages.astype(np.int16)


def _monthly_volumes(
    gen: np.random.Generator, scenario: Scenario, weights: np.ndarray
) -> np.ndarray:
    """VOLUME_DE_COMPRA: 1.5 to 2.5 times the litres a customer is expected to buy a month at
    the start, rounded to 500 litres (at least 500)."""
    profile = scenario.profile
    litres_per_item = curves.QUANTITY_MEDIAN * math.exp(curves.QUANTITY_SIGMA**2 / 2)
    monthly = weights * profile.invoices_per_day * 30 * profile.items_per_invoice * litres_per_item
    return np.maximum(_round_to(monthly * gen.uniform(1.5, 2.5, len(weights)), 500), 500)


def _round_to(values: np.ndarray, step: int) -> np.ndarray:
    return np.rint(values / step) * step


# --- sellers -----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _seller_core(scenario: Scenario) -> tuple[pa.StringArray, np.ndarray]:
    """MATRICULA numbers run consecutively from a random start, in order of hire."""
    n, gen = scenario.profile.sellers, rng(scenario.seed, Stream.SELLER_KEYS)
    first = int(gen.integers(100, 100_000 - n))
    return digit_strings(np.arange(first, first + n), 5), _skewed(gen, n, curves.SELLER_SKEW)


def _sellers_table(scenario: Scenario) -> pa.Table:
    matriculas, _ = _seller_core(scenario)
    pools, n = _text_pools(scenario.seed), scenario.profile.sellers
    gen = rng(scenario.seed, Stream.SELLERS)
    _, names = _person_names(gen, pools, n)
    # Hired from twelve years to a month before the first sale, the lowest MATRICULA first.
    days_before = np.sort(gen.integers(30, round(12 * 365.25), n))[::-1]
    columns = {
        "MATRICULA": matriculas,
        "NOME": names,
        "PERCENTUAL_COMISSAO": (gen.integers(8, 16, n) / 100).astype(np.float32),
        "DATA_ADMISSAO": pa.array(np.datetime64(scenario.start_date, "D") - days_before),
        "DE_FERIAS": gen.random(n) < 0.25,
        "BAIRRO": pools.bairros.take(gen.integers(0, len(pools.bairros), n)),
    }
    return pa.Table.from_pydict(columns, schema=schema.VENDEDORES.arrow_schema())


# --- products ----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _product_core(scenario: Scenario) -> _Products:
    """A few brands, each with some of the pack and flavour combinations, at list prices of
    litres * price per litre of the flavour * pack factor * brand factor (0.85 to 1.25)."""
    n, gen = scenario.profile.products, rng(scenario.seed, Stream.PRODUCT_KEYS)
    brand_count = min(max(math.ceil(n / 8), 3), len(catalog.BRAND_HEADS) * len(catalog.BRAND_TAILS))
    brand_ids = gen.choice(len(catalog.BRAND_HEADS) * len(catalog.BRAND_TAILS), brand_count, False)
    combos = gen.choice(brand_count * catalog.PRODUCTS_PER_BRAND, size=n, replace=False)
    brand_slot, rest = np.divmod(combos, catalog.PRODUCTS_PER_BRAND)
    packs, flavours = np.divmod(rest, len(catalog.FLAVOURS))

    litres = np.array([pack[2] * pack[3] for pack in catalog.PACKS])[packs]
    per_litre = np.array([flavour[1] for flavour in catalog.FLAVOURS])[flavours]
    brand_factor = gen.uniform(0.85, 1.25, brand_count)[brand_slot]
    prices = np.round(litres * per_litre * brand_factor * gen.uniform(0.95, 1.05, n), 2)

    codes = np.sort(gen.choice(9_000_000, size=n, replace=False) + 1_000_000)
    brands = [_brand_name(int(brand_ids[slot])) for slot in brand_slot]
    weights = _skewed(gen, n, curves.PRODUCT_SKEW)
    return _Products(digit_strings(codes, 7), brands, packs, flavours, prices, weights)


def _brand_name(brand_id: int) -> str:
    head, tail = divmod(brand_id, len(catalog.BRAND_TAILS))
    return f"{catalog.BRAND_HEADS[head]} {catalog.BRAND_TAILS[tail]}"


def _products_table(scenario: Scenario) -> pa.Table:
    core = _product_core(scenario)
    packs = [catalog.PACKS[pack] for pack in core.packs]
    flavours = [catalog.FLAVOURS[flavour][0] for flavour in core.flavours]
    columns = {
        "CODIGO_DO_PRODUTO": core.codes,
        "NOME_DO_PRODUTO": [
            f"{brand} - {pack[1]} - {flavour}"
            for brand, pack, flavour in zip(core.brands, packs, flavours, strict=True)
        ],
        "EMBALAGEM": [pack[0] for pack in packs],
        "TAMANHO": [pack[1] for pack in packs],
        "SABOR": flavours,
        "PRECO_DE_LISTA": core.list_prices.astype(np.float32),
    }
    return pa.Table.from_pydict(columns, schema=schema.PRODUTOS.arrow_schema())


# --- text pools --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TextPools:
    male: pa.StringArray
    female: pa.StringArray
    surnames: pa.StringArray
    honorees: pa.StringArray
    bairros: pa.StringArray


@lru_cache(maxsize=4)
def _text_pools(seed: int) -> _TextPools:
    """pt_BR first names by sex, surnames, people streets are named after, and bairros."""
    fake = Faker("pt_BR")
    fake.seed_instance(seed)

    def pool(draw) -> pa.StringArray:
        # dict.fromkeys keeps the first occurrence order, so the pool is deterministic.
        return pa.array(list(dict.fromkeys(draw() for _ in range(POOL_SIZE))), pa.string())

    return _TextPools(
        male=pool(fake.first_name_male),
        female=pool(fake.first_name_female),
        surnames=pool(fake.last_name),
        honorees=pool(fake.name),
        bairros=pool(fake.bairro),
    )
