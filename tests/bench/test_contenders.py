"""The generation contenders build the same day as the generator: same invoices, valid items."""

from collections import Counter

import pytest

from bench import contenders
from bench.scenarios import busy_scenario, cut, first_invoices
from datagen_platform.generation import generate_day


@pytest.fixture(scope="module")
def classic():
    scenario = contenders.scenario_for("classic", 42)
    return scenario, contenders.plan_day(scenario)


def test_every_contender_builds_the_generators_invoices(classic):
    scenario, plan = classic
    notas, _ = contenders.columnar(scenario)
    numbers = notas["NUMERO"].to_pylist()
    assert plan.count == len(numbers)

    dict_notas, _ = contenders.row_dicts(plan, 7)
    frame_notas, _ = contenders.vectorised_frames(plan, 7)
    assert [row["NUMERO"] for row in dict_notas] == numbers
    assert frame_notas["NUMERO"].tolist() == numbers


def test_row_dicts_list_each_product_once_per_invoice_in_order(classic):
    _, plan = classic
    _, itens = contenders.row_dicts(plan, 7)
    pairs = [(row["NUMERO"], row["CODIGO_DO_PRODUTO"]) for row in itens]
    assert max(Counter(pairs).values()) == 1
    assert all(row["QUANTIDADE"] >= 1 for row in itens)
    assert {row["CODIGO_DO_PRODUTO"] for row in itens} <= set(plan.codes)


def test_vectorised_frames_list_each_product_once_per_invoice(classic):
    _, plan = classic
    _, itens = contenders.vectorised_frames(plan, 7)
    assert not itens.duplicated(["NUMERO", "CODIGO_DO_PRODUTO"]).any()
    assert itens["NUMERO"].is_monotonic_increasing


def test_build_counts_invoices_plus_items(classic):
    scenario, plan = classic
    facts = generate_day(scenario, contenders.DAY)
    rows = contenders.build(contenders.OURS, scenario, plan, 42)
    assert rows == facts.notas.num_rows + facts.itens.num_rows
    with pytest.raises(ValueError, match="unknown contender"):
        contenders.build("csv by hand", scenario, plan, 42)


def test_a_busy_scenario_gives_exactly_the_invoices_asked_with_one_item_each():
    scenario = busy_scenario("classic", 700, seed=3, items_per_invoice=1.0)
    blocks = list(first_invoices(scenario, scenario.start_date, 700))
    assert sum(notas.num_rows for notas, _ in blocks) == 700
    assert sum(itens.num_rows for _, itens in blocks) == 700
    assert scenario.profile.growth_rate == 0.0


def test_cut_keeps_the_items_of_the_kept_invoices_only(classic):
    scenario, _ = classic
    facts = generate_day(scenario, contenders.DAY)
    notas, itens = cut(facts.notas, facts.itens, 10)
    assert notas.num_rows == 10
    kept = set(notas["NUMERO"].to_pylist())
    assert set(itens["NUMERO"].to_pylist()) == kept
    expected = sum(1 for n in facts.itens["NUMERO"].to_pylist() if n in kept)
    assert itens.num_rows == expected
