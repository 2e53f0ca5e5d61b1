import hashlib
import math
import os
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from datagen_platform import schema
from datagen_platform.errors import ConfigError
from datagen_platform.generation import (
    BLOCK_INVOICES,
    PROFILES,
    Scenario,
    generate_day,
    generate_dimension,
    invoice_number_range,
    iter_day_blocks,
    planned_invoice_count,
)
from datagen_platform.generation.facts import _distinct_products
from datagen_platform.generation.profiles import Profile

DAY = date(2015, 3, 6)
DIGEST_SCRIPT = """
import hashlib, io, sys
from datetime import date
import pyarrow.parquet as pq
from datagen_platform.generation import PROFILES, Scenario, generate_day, generate_dimension
scenario = Scenario(42, PROFILES["classic"], date(2015, 1, 1))
customers = generate_dimension(scenario, "tabela_de_clientes")
for table in (*generate_day(scenario, date(2015, 3, 6)), customers):
    sink = io.BytesIO()
    pq.write_table(table, sink)
    print(hashlib.sha256(sink.getvalue()).hexdigest())
"""


def parquet_digest(table: pa.Table, path) -> str:
    pq.write_table(table, path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_day_twice_gives_equal_tables_and_parquet_bytes(classic, tmp_path):
    first, second = generate_day(classic, DAY), generate_day(classic, DAY)
    assert first.notas.equals(second.notas) and first.itens.equals(second.itens)
    for name, one, two in zip(("notas", "itens"), first, second, strict=True):
        assert parquet_digest(one, tmp_path / f"{name}_1.parquet") == parquet_digest(
            two, tmp_path / f"{name}_2.parquet"
        )


def test_another_process_writes_the_same_parquet_bytes(classic, tmp_path):
    tables = (*generate_day(classic, DAY), generate_dimension(classic, "tabela_de_clientes"))
    here = [parquet_digest(table, tmp_path / f"{i}.parquet") for i, table in enumerate(tables)]
    # Another string hash seed too: nothing may depend on the iteration order of sets.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", DIGEST_SCRIPT], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.split() == here


def test_days_in_any_order_give_the_same_tables(classic):
    days = [date(2016, 2, 29), date(2015, 1, 1), date(2019, 12, 31), date(2015, 7, 19)]
    forward = {day: generate_day(classic, day) for day in days}
    backward = {day: generate_day(classic, day) for day in reversed(days)}
    for day in days:
        assert forward[day].notas.equals(backward[day].notas)
        assert forward[day].itens.equals(backward[day].itens)
    assert not forward[days[0]].itens.equals(forward[days[3]].itens)


def test_blocks_of_a_large_day_concatenate_to_the_day(large):
    day = date(2015, 1, 2)  # a Friday of January: more than one block
    count = planned_invoice_count(large, day)
    blocks = list(iter_day_blocks(large, day))
    whole = generate_day(large, day)

    assert len(blocks) == math.ceil(count / BLOCK_INVOICES) >= 2
    assert [block.notas.num_rows for block in blocks[:-1]] == [BLOCK_INVOICES] * (len(blocks) - 1)
    assert pa.concat_tables(block.notas for block in blocks).equals(whole.notas)
    assert pa.concat_tables(block.itens for block in blocks).equals(whole.itens)
    assert whole.notas.num_rows == count
    assert whole.notas.schema == schema.NOTAS.arrow_schema("bigint")
    assert whole.itens.schema == schema.ITENS.arrow_schema("bigint")


@pytest.mark.parametrize("scenario_name", ["classic", "small"])
def test_schemas_equal_the_declared_ones(request, scenario_name):
    scenario = request.getfixturevalue(scenario_name)
    facts = generate_day(scenario, DAY)
    assert facts.notas.schema == schema.NOTAS.arrow_schema("int")
    assert facts.itens.schema == schema.ITENS.arrow_schema("int")


def test_numero_is_unique_across_days_and_inside_each_reserved_range(classic_year, classic):
    seen = []
    for day, facts in classic_year.items():
        numbers = facts.notas["NUMERO"].to_numpy()
        low, high = invoice_number_range(classic, day)
        assert high - low + 1 == 1000
        assert numbers.tolist() == list(range(low, low + len(numbers)))
        assert len(numbers) == planned_invoice_count(classic, day) <= 1000
        seen.append(numbers)
    everything = np.concatenate(seen)
    assert len(np.unique(everything)) == len(everything) > 25_000
    assert invoice_number_range(classic, date(2015, 1, 1)) == (1000, 1999)
    assert invoice_number_range(classic, date(2015, 1, 3)) == (3000, 3999)


def test_items_reference_their_invoices_once_per_product(classic_year):
    for facts in classic_year.values():
        invoices = set(facts.notas["NUMERO"].to_pylist())
        pairs = list(
            zip(
                facts.itens["NUMERO"].to_pylist(),
                facts.itens["CODIGO_DO_PRODUTO"].to_pylist(),
                strict=True,
            )
        )
        assert len(set(pairs)) == len(pairs)
        assert {numero for numero, _ in pairs} == invoices  # every invoice has an item


def test_foreign_keys_resolve_into_the_dimensions(classic, classic_year):
    cpfs = set(generate_dimension(classic, "tabela_de_clientes")["CPF"].to_pylist())
    matriculas = set(generate_dimension(classic, "tabela_de_vendedores")["MATRICULA"].to_pylist())
    codes = set(generate_dimension(classic, "tabela_de_produtos")["CODIGO_DO_PRODUTO"].to_pylist())
    notas = pa.concat_tables(facts.notas for facts in classic_year.values())
    itens = pa.concat_tables(facts.itens for facts in classic_year.values())

    assert set(notas["CPF"].to_pylist()) == cpfs  # over a year every customer buys
    assert set(notas["MATRICULA"].to_pylist()) == matriculas
    assert set(itens["CODIGO_DO_PRODUTO"].to_pylist()) <= codes
    assert len(set(itens["CODIGO_DO_PRODUTO"].to_pylist())) >= 25


def test_sale_date_and_positive_values(classic_year):
    for day, facts in list(classic_year.items())[:60]:
        assert set(facts.notas["DATA_VENDA"].to_pylist()) == {day}
        assert pc.min(facts.itens["QUANTIDADE"]).as_py() >= 1
        assert pc.min(facts.itens["PRECO"]).as_py() > 0


def test_day_before_the_start_is_refused(classic):
    message = r"^2014-12-31 is before the first partition 2015-01-01 \(DATAGEN_START_DATE\)$"
    for call in (generate_day, iter_day_blocks, planned_invoice_count, invoice_number_range):
        with pytest.raises(ConfigError, match=message):
            call(classic, date(2014, 12, 31))


def test_int_numero_beyond_its_range_is_refused():
    profile = Profile("wide", 5, 2, 5, 50.0, 2.0, 10_000, "int")
    scenario = Scenario(1, profile, date(1900, 1, 1))
    assert invoice_number_range(scenario, date(2400, 1, 1))[1] < 2**31
    with pytest.raises(ConfigError, match=r"^invoice numbers of 2500-01-01 exceed the int range"):
        invoice_number_range(scenario, date(2500, 1, 1))


def test_a_day_without_invoices_is_empty_with_the_schema():
    quiet = Profile("quiet", 3, 1, 3, 0.01, 1.0, 10, "int")
    scenario = Scenario(1, quiet, date(2015, 1, 1))
    empty = next(
        day
        for day in (date(2015, 1, 1) + timedelta(n) for n in range(50))
        if planned_invoice_count(scenario, day) == 0
    )
    assert list(iter_day_blocks(scenario, empty)) == []
    facts = generate_day(scenario, empty)
    assert facts.notas.num_rows == facts.itens.num_rows == 0
    assert facts.notas.schema == schema.NOTAS.arrow_schema("int")


def test_repeats_the_redraws_cannot_remove_fall_back_to_distinct_products():
    # One product takes nearly all the weight and every invoice needs all five products.
    cdf = np.cumsum([0.996, 0.001, 0.001, 0.001, 0.001])
    cdf[-1] = 1.0
    counts = np.full(2000, 5)
    products = _distinct_products(np.random.default_rng(0), cdf, counts)
    assert products.reshape(2000, 5).tolist() == [[0, 1, 2, 3, 4]] * 2000


def test_small_profile_keeps_products_distinct_with_few_to_choose_from(small):
    for offset in range(60):
        itens = generate_day(small, DAY + timedelta(offset)).itens
        pairs = list(
            zip(itens["NUMERO"].to_pylist(), itens["CODIGO_DO_PRODUTO"].to_pylist(), strict=True)
        )
        assert len(set(pairs)) == len(pairs)


def test_different_seeds_give_different_days(classic):
    other = Scenario(classic.seed + 1, PROFILES["classic"], classic.start_date)
    assert not generate_day(other, DAY).itens.equals(generate_day(classic, DAY).itens)
