"""Each KPI template as data: a few silver rows in a real lake, the exact rows DuckDB returns.

The sales below, per invoice (revenue = QUANTIDADE * PRECO):

    1  2023-01-10  customer A  seller 00235  tax 0.10  orange 4 x 5.0 + grape 2 x 3.5 = 27
    2  2023-01-20  customer B  seller 00236  tax 0.12  orange 10 x 5.0              = 50
    3  2024-01-05  customer A  seller 00236  tax 0.10  orange 8 x 6.0 + orange 700 ml 4 x 2.5
                                                       + grape 1 x 4.0             = 62
    4  2024-02-01  customer B  seller 00235  tax 0.10  grape 20 x 4.0              = 80
"""

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from datagen_platform.assets.silver import silver_schema
from datagen_platform.kpis import PARTITIONED, load_template, load_templates
from datagen_platform.resources.datalake import DatalakeResource

D = date
INVOICES = [
    ("A", "00235", D(2023, 1, 10), 1, 0.10),
    ("B", "00236", D(2023, 1, 20), 2, 0.12),
    ("A", "00236", D(2024, 1, 5), 3, 0.10),
    ("B", "00235", D(2024, 2, 1), 4, 0.10),
]
ITEMS = [
    (1, "P1", 4, 5.0),
    (1, "P2", 2, 3.5),
    (2, "P1", 10, 5.0),
    (3, "P1", 8, 6.0),
    (3, "P3", 4, 2.5),
    (3, "P2", 1, 4.0),
    (4, "P2", 20, 4.0),
]
PRODUCTS = [
    ("P1", "Laranja 1 Litro", "PET", "1 Litro", "Laranja", 5.0),
    ("P2", "Uva 350 ml", "Lata", "350 ml", "Uva", 3.5),
    ("P3", "Laranja 700 ml", "Garrafa", "700 ml", "Laranja", 2.5),
]
SELLERS = [
    ("00235", "Márcio Almeida", 0.08, D(2014, 8, 15), False, "Tijuca"),
    ("00236", "Cláudia Morais", 0.10, D(2013, 9, 17), True, "Jardins"),
]
CUSTOMERS = [("A", "Ana", 10.0), ("B", "Bruno", 15.0)]


def _table(name: str, rows: list[tuple]) -> pa.Table:
    columns = silver_schema(name).names
    return pa.Table.from_pylist(
        [dict(zip(columns, row, strict=True)) for row in rows], schema=silver_schema(name)
    )


def _customer(cpf: str, name: str, limit: float) -> tuple:
    return (
        cpf,
        name,
        "Rua A",
        "",
        "Centro",
        "Rio de Janeiro",
        "RJ",
        "20000000",
        D(1990, 1, 1),
        34,
        "F",
        1000.0,
        limit,
        False,
    )


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> DatalakeResource:
    lake = DatalakeResource(root=str(tmp_path_factory.mktemp("lake")))
    for cpf, seller, day, number, tax in INVOICES:
        items = [(*item, item[2] * item[3]) for item in ITEMS if item[0] == number]
        totals = (len(items), sum(item[2] for item in items), sum(item[4] for item in items))
        invoice = (cpf, seller, day, number, tax, day.year, day.month, *totals)
        lake.write_silver("notas_fiscais", _table("notas_fiscais", [invoice]), day)
        lake.write_silver("itens_notas_fiscais", _table("itens_notas_fiscais", items), day)
    lake.write_silver("tabela_de_produtos", _table("tabela_de_produtos", PRODUCTS))
    lake.write_silver("tabela_de_vendedores", _table("tabela_de_vendedores", SELLERS))
    customers = [_customer(*row) for row in CUSTOMERS]
    lake.write_silver("tabela_de_clientes", _table("tabela_de_clientes", customers))
    return lake


def _run(lake: DatalakeResource, name: str, **overrides: object) -> list[tuple]:
    template = next(t for t in load_templates() if t.name == name)
    rendered = template.render(
        lambda table: lake.silver_glob(table, table in PARTITIONED), overrides
    )
    with duckdb.connect() as con:
        result = template.run(con, rendered)
    return [tuple(row.values()) for row in result.to_pylist()]


def test_monthly_revenue(lake: DatalakeResource) -> None:
    assert _run(lake, "monthly_revenue") == [
        (D(2023, 1, 1), 77.0, 2, 3, 38.5),
        (D(2024, 1, 1), 62.0, 1, 3, 62.0),
        (D(2024, 2, 1), 80.0, 1, 1, 80.0),
    ]


def test_monthly_revenue_columns(lake: DatalakeResource) -> None:
    template = load_template(Path(__file__).parents[2] / "sql/kpis/monthly_revenue.sql")
    rendered = template.render(lambda table: lake.silver_glob(table, table in PARTITIONED))
    with duckdb.connect() as con:
        result = template.run(con, rendered)

    assert result.column_names == ["month", "revenue", "invoices", "items", "average_ticket"]
    assert result.schema.field("items").type == pa.int64()


def test_revenue_by_flavor(lake: DatalakeResource) -> None:
    assert _run(lake, "revenue_by_flavor") == [
        (2023, "Laranja", 70.0, 14, 0.9091),
        (2023, "Uva", 7.0, 2, 0.0909),
        (2024, "Uva", 84.0, 21, 0.5915),
        (2024, "Laranja", 58.0, 12, 0.4085),
    ]


def test_revenue_by_package(lake: DatalakeResource) -> None:
    assert _run(lake, "revenue_by_package") == [
        ("PET", "1 Litro", 118.0, 22, 3, 0.5388),
        ("Lata", "350 ml", 91.0, 23, 3, 0.4155),
        ("Garrafa", "700 ml", 10.0, 4, 1, 0.0457),
    ]


def test_seller_performance(lake: DatalakeResource) -> None:
    assert _run(lake, "seller_performance") == [
        (D(2023, 1, 1), "00235", "Márcio Almeida", 1, 27.0, 2.16),
        (D(2023, 1, 1), "00236", "Cláudia Morais", 1, 50.0, 5.0),
        (D(2024, 1, 1), "00236", "Cláudia Morais", 1, 62.0, 6.2),
        (D(2024, 2, 1), "00235", "Márcio Almeida", 1, 80.0, 6.4),
    ]


def test_customer_monthly_volume(lake: DatalakeResource) -> None:
    assert _run(lake, "customer_monthly_volume") == [
        (D(2023, 1, 1), "A", "Ana", 6, 10.0, "valid"),
        (D(2023, 1, 1), "B", "Bruno", 10, 15.0, "valid"),
        (D(2024, 1, 1), "A", "Ana", 13, 10.0, "over_limit"),
        (D(2024, 2, 1), "B", "Bruno", 20, 15.0, "over_limit"),
    ]


def test_tax_collected(lake: DatalakeResource) -> None:
    assert _run(lake, "tax_collected") == [
        (D(2023, 1, 1), 77.0, 8.7, 0.113),
        (D(2024, 1, 1), 62.0, 6.2, 0.1),
        (D(2024, 2, 1), 80.0, 8.0, 0.1),
    ]


def test_top_customers_default_keeps_everyone_of_a_small_year(lake: DatalakeResource) -> None:
    assert _run(lake, "top_customers") == [
        (2023, 1, "B", "Bruno", 50.0, 1),
        (2023, 2, "A", "Ana", 27.0, 1),
        (2024, 1, "B", "Bruno", 80.0, 1),
        (2024, 2, "A", "Ana", 62.0, 1),
    ]


def test_top_customers_parameter_limits_each_year(lake: DatalakeResource) -> None:
    assert _run(lake, "top_customers", top_n=1) == [
        (2023, 1, "B", "Bruno", 50.0, 1),
        (2024, 1, "B", "Bruno", 80.0, 1),
    ]


def test_yoy_growth(lake: DatalakeResource) -> None:
    assert _run(lake, "yoy_growth") == [
        (D(2023, 1, 1), 77.0, None, None),
        (D(2024, 1, 1), 62.0, 77.0, -0.1948),
        (D(2024, 2, 1), 80.0, None, None),
    ]


def test_items_per_invoice(lake: DatalakeResource) -> None:
    assert _run(lake, "items_per_invoice") == [(1, 2, 0.5), (2, 1, 0.25), (3, 1, 0.25)]


def test_catalog_lists_every_template_with_its_inputs() -> None:
    inputs = {template.name: template.inputs for template in load_templates()}

    assert inputs == {
        "customer_monthly_volume": ("notas_fiscais", "tabela_de_clientes"),
        "items_per_invoice": ("notas_fiscais",),
        "monthly_revenue": ("notas_fiscais",),
        "revenue_by_flavor": ("itens_notas_fiscais", "tabela_de_produtos"),
        "revenue_by_package": ("itens_notas_fiscais", "tabela_de_produtos"),
        "seller_performance": ("notas_fiscais", "tabela_de_vendedores"),
        "tax_collected": ("notas_fiscais",),
        "top_customers": ("notas_fiscais", "tabela_de_clientes"),
        "yoy_growth": ("notas_fiscais",),
    }


def test_counts_and_litres_come_out_as_plain_integers(lake: DatalakeResource) -> None:
    template = next(t for t in load_templates() if t.name == "revenue_by_package")
    rendered = template.render(lambda table: lake.silver_glob(table, table in PARTITIONED))
    with duckdb.connect() as con:
        result = template.run(con, rendered)

    assert result.schema.field("litres").type == pa.int64()
    assert result.schema.field("items").type == pa.int64()
