"""The KPI report: an offline HTML page built from the gold KPI files of a real lake."""

import base64
import re
from datetime import date
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pytest

from datagen_platform.assets.kpi import build_kpi_assets, gold_path
from datagen_platform.assets.report import build_charts, build_kpi_report, line_chart
from datagen_platform.errors import DataIntegrityError
from datagen_platform.resources.datalake import DatalakeResource

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
CHARTED = ("monthly_revenue", "revenue_by_flavor", "seller_performance", "top_customers")

GOLD = {
    "monthly_revenue": pa.table(
        {
            "month": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)],
            "revenue": [1200.5, 1500.0, 900.25],
            "invoices": [10, 12, 8],
            "items": [25, 30, 17],
            "average_ticket": [120.05, 125.0, 112.53],
        }
    ),
    "revenue_by_flavor": pa.table(
        {
            "year": [2023, 2024, 2024],
            "flavor": ["Uva", "Laranja", "Uva"],
            "revenue": [800.0, 2400.0, 1200.75],
            "litres": [100, 300, 150],
            "share": [1.0, 0.6665, 0.3335],
        }
    ),
    "seller_performance": pa.table(
        {
            "month": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 1, 1)],
            "seller_id": ["00235", "00235", "00236"],
            "seller_name": ["Márcio", "Márcio", "Cláudia"],
            "invoices": [6, 7, 4],
            "revenue": [700.0, 800.0, 500.5],
            "commission": [70.0, 80.0, 50.05],
        }
    ),
    "top_customers": pa.table(
        {
            "year": [2024] * 12,
            "rank": list(range(1, 13)),
            "customer_id": [f"{n:011d}" for n in range(12)],
            "customer_name": [f"Cliente <{n}>" for n in range(12)],
            "revenue": [float(100 - n) for n in range(12)],
            "invoices": [3] * 12,
        }
    ),
}


@pytest.fixture
def lake(tmp_path: Path) -> DatalakeResource:
    lake = DatalakeResource(root=str(tmp_path / "lake"))
    for name, table in GOLD.items():
        lake.write_table(gold_path(name), table)
    return lake


def _report() -> dg.AssetsDefinition:
    kpis = [a for a in build_kpi_assets() if a.key.path[-1] in CHARTED]
    return build_kpi_report(kpis)


def test_report_page_has_its_charts_and_tables(lake: DatalakeResource, tmp_path: Path) -> None:
    result = dg.materialize([_report()], resources={"lake": lake}, run_config=QUIET)

    page = (tmp_path / "lake/reports/kpi_report.html").read_text(encoding="utf-8")
    titles = re.findall(r"<svg[^>]*><title>([^<]*)</title>", page)
    assert titles == [
        "Revenue per month",
        "Flavour share of revenue, 2024",
        "Revenue per seller, all months",
    ]
    assert page.count("<h2>") == 4
    assert "3 months from 2024-01 to 2024-03: revenue 3,600.75 over 30 invoices." in page
    # Customer names are escaped, and only the first rows of a long KPI are shown.
    assert "Cliente &lt;7&gt;" in page and "Cliente &lt;8&gt;" not in page
    assert "4 more rows" in page
    # Readable offline: no scripts, no external images or stylesheets.
    assert "<script" not in page and "src=" not in page and "<link" not in page

    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["path"].value == (tmp_path / "lake/reports/kpi_report.html").as_posix()
    assert metadata["charts"].value == 3
    summary = metadata["summary"].value
    assert "- `top_customers`: 12 rows" in summary
    encoded = re.search(r"\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", summary).group(1)
    assert "<title>Revenue per month</title>" in base64.b64decode(encoded).decode("utf-8")


def test_seller_chart_sums_each_seller_over_months(lake: DatalakeResource, tmp_path: Path) -> None:
    dg.materialize([_report()], resources={"lake": lake}, run_config=QUIET)

    page = (tmp_path / "lake/reports/kpi_report.html").read_text(encoding="utf-8")
    seller_chart = page.split("<title>Revenue per seller, all months</title>")[1].split("</svg>")[0]
    labels = re.findall(r'text-anchor="(?:end|start)">([^<]*)</text>', seller_chart)
    assert labels == ["Márcio", "1.5 k", "Cláudia", "500.50"]


def test_report_depends_on_the_kpis_it_was_given() -> None:
    report = _report()

    assert report.key == dg.AssetKey("kpi_report")
    assert set(report.dependency_keys) == {dg.AssetKey(["kpi", name]) for name in CHARTED}
    assert report.specs_by_key[report.key].group_name == "report"


def test_missing_kpi_result_is_named(lake: DatalakeResource, tmp_path: Path) -> None:
    (tmp_path / "lake/gold/kpi/top_customers.parquet").unlink()

    with pytest.raises(DataIntegrityError, match=r"gold/kpi/top_customers\.parquet does not exist"):
        dg.materialize([_report()], resources={"lake": lake}, run_config=QUIET)


def test_line_chart_has_a_point_per_value() -> None:
    chart = line_chart("Revenue", ["a", "b", "c", "d"], [0.0, 50.0, 100.0, 25.0])

    points = re.search(r'points="([^"]*)"', chart.svg).group(1).split()
    assert points == ["84.0,224.0", "277.3,140.0", "470.7,56.0", "664.0,182.0"]


def test_seller_chart_keeps_the_best_sellers() -> None:
    sellers = pa.table(
        {
            "month": [date(2024, 1, 1)] * 20,
            "seller_id": [f"{n:05d}" for n in range(20)],
            "seller_name": [f"Vendedor {n:02d}" for n in range(20)],
            "invoices": [1] * 20,
            "revenue": [float(n) for n in range(20)],
            "commission": [0.0] * 20,
        }
    )

    (chart,) = build_charts({"seller_performance": sellers})

    assert chart.title == "Revenue per seller, all months (top 15 of 20)"
    labels = re.findall(r'text-anchor="end">(Vendedor \d+)</text>', chart.svg)
    assert labels == [f"Vendedor {n:02d}" for n in range(19, 4, -1)]
