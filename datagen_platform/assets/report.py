"""The KPI report: one self-contained HTML page with charts and short tables, readable offline.

Charts are inline SVG drawn here, so the page needs no network, no script and no plotting library.
"""

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc

from datagen_platform.assets.kpi import gold_path
from datagen_platform.resources.datalake import DatalakeResource

GROUP = "report"
REPORT_PATH = "reports/kpi_report.html"
TABLE_ROWS = 8
_WIDTH, _HEIGHT, _MARGIN, _LEFT = 720, 280, 56, 84
TOP_SELLERS = 15
_COLOR = "#2f7d5b"


@dataclass(frozen=True)
class Chart:
    """A chart of the report: its title and its SVG markup."""

    title: str
    svg: str

    def data_uri(self) -> str:
        """The chart as a base64 `data:` URI, for markdown images."""
        encoded = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"


def line_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> Chart:
    """A line over `values` with the first, middle and last `labels` on the x axis."""
    top = max(values, default=0) or 1
    step = (_WIDTH - _LEFT - _MARGIN) / max(len(values) - 1, 1)
    points = " ".join(
        f"{_LEFT + i * step:.1f},{_y(value, top):.1f}" for i, value in enumerate(values)
    )
    ticks = sorted({0, len(labels) // 2, len(labels) - 1}) if labels else []
    x_labels = "".join(
        _text(_LEFT + i * step, _HEIGHT - _MARGIN + 18, labels[i], "middle") for i in ticks
    )
    body = (
        _axes(top)
        + f'<polyline fill="none" stroke="{_COLOR}" stroke-width="2" points="{points}"/>'
        + x_labels
    )
    return Chart(title, _svg(title, body, _HEIGHT))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], unit: str = "") -> Chart:
    """Horizontal bars, one per label, each with its value written after it."""
    row, left = 24, 170
    height = 40 + row * len(values)
    top = max(values, default=0) or 1
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 30 + i * row
        length = (_WIDTH - left - 110) * value / top
        bars.append(
            _text(left - 8, y + 14, label, "end")
            + f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{row - 6}" fill="{_COLOR}"/>'
            + _text(left + length + 6, y + 14, _number(value, unit), "start")
        )
    return Chart(title, _svg(title, "".join(bars), height))


def html_table(table: pa.Table, rows: int = TABLE_ROWS) -> str:
    """The first `rows` rows of a table as HTML, numbers right-aligned."""
    head = "".join(f"<th>{html.escape(name)}</th>" for name in table.column_names)
    body = []
    for record in table.slice(0, rows).to_pylist():
        cells = "".join(_cell(value) for value in record.values())
        body.append(f"<tr>{cells}</tr>")
    more = f"<p class='more'>{table.num_rows - rows} more rows</p>" if table.num_rows > rows else ""
    return f"<table><tr>{head}</tr>{''.join(body)}</table>{more}"


def build_charts(results: dict[str, pa.Table]) -> list[Chart]:
    """The report's charts, for each of their KPIs that is present in `results`."""
    charts = []
    if "monthly_revenue" in results:
        monthly = results["monthly_revenue"]
        labels = [month.strftime("%Y-%m") for month in monthly["month"].to_pylist()]
        charts.append(line_chart("Revenue per month", labels, monthly["revenue"].to_pylist()))
    if "revenue_by_flavor" in results and results["revenue_by_flavor"].num_rows:
        flavors = results["revenue_by_flavor"]
        year = pc.max(flavors["year"]).as_py()
        latest = flavors.filter(pc.equal(flavors["year"], year))
        shares = [share * 100 for share in latest["share"].to_pylist()]
        charts.append(
            bar_chart(
                f"Flavour share of revenue, {year}", latest["flavor"].to_pylist(), shares, "%"
            )
        )
    if "seller_performance" in results:
        sellers = (
            results["seller_performance"].group_by("seller_name").aggregate([("revenue", "sum")])
        )
        ranked = sellers.sort_by([("revenue_sum", "descending"), ("seller_name", "ascending")])
        top = ranked.slice(0, TOP_SELLERS)
        title = "Revenue per seller, all months"
        if ranked.num_rows > TOP_SELLERS:
            title += f" (top {TOP_SELLERS} of {ranked.num_rows})"
        charts.append(
            bar_chart(title, top["seller_name"].to_pylist(), top["revenue_sum"].to_pylist())
        )
    return charts


def render_report(results: dict[str, pa.Table], charts: list[Chart]) -> str:
    """The whole HTML page: charts first, then a short table per KPI."""
    figures = "".join(
        f"<figure>{chart.svg}<figcaption>{html.escape(chart.title)}</figcaption></figure>"
        for chart in charts
    )
    sections = "".join(
        f"<h2>{html.escape(name)}</h2>{html_table(table)}"
        for name, table in sorted(results.items())
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<title>sucos_vendas KPI report</title>"
        f"<style>{_STYLE}</style></head><body><h1>sucos_vendas KPI report</h1>"
        f"<p>{_summary_line(results)}</p>{figures}{sections}</body></html>\n"
    )


def summary_markdown(results: dict[str, pa.Table], charts: list[Chart]) -> str:
    """The report's summary for the Dagster UI: headline figures and the first chart."""
    lines = ["**sucos_vendas KPI report**", "", _summary_line(results), ""]
    lines += [f"- `{name}`: {table.num_rows} rows" for name, table in sorted(results.items())]
    if charts:
        lines += ["", f"![{charts[0].title}]({charts[0].data_uri()})"]
    return "\n".join(lines)


def build_kpi_report(kpi_assets: Sequence[dg.AssetsDefinition]) -> dg.AssetsDefinition:
    """The `kpi_report` asset, reading the results of `kpi_assets` from the lake."""
    kpi_keys = [key for assets_def in kpi_assets for key in assets_def.keys]

    @dg.asset(
        name="kpi_report",
        deps=kpi_keys,
        group_name=GROUP,
        kinds={"html", "python"},
    )
    def kpi_report(
        context: dg.AssetExecutionContext, lake: DatalakeResource
    ) -> dg.MaterializeResult:
        """An offline HTML page of the KPIs: revenue over time, flavour shares and sellers as
        charts, and the first rows of every KPI."""
        names = [key.path[-1] for key in kpi_keys]
        results = {name: lake.read_table(gold_path(name)) for name in names}
        charts = build_charts(results)
        page = render_report(results, charts)
        uri = lake.write_bytes(REPORT_PATH, page.encode("utf-8"))
        context.log.info(f"KPI report: {len(results)} KPIs, {len(charts)} charts to {uri}")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(uri),
                "charts": len(charts),
                "bytes_written": len(page.encode("utf-8")),
                "summary": dg.MetadataValue.md(summary_markdown(results, charts)),
            }
        )

    return kpi_report


def _summary_line(results: dict[str, pa.Table]) -> str:
    monthly = results.get("monthly_revenue")
    if monthly is None or monthly.num_rows == 0:
        return f"{len(results)} KPIs."
    months = monthly["month"].to_pylist()
    revenue = pc.sum(monthly["revenue"]).as_py()
    invoices = pc.sum(monthly["invoices"]).as_py()
    return (
        f"{len(months)} months from {months[0]:%Y-%m} to {months[-1]:%Y-%m}: revenue "
        f"{revenue:,.2f} over {invoices:,} invoices."
    )


def _y(value: float, top: float) -> float:
    return _HEIGHT - _MARGIN - (_HEIGHT - 2 * _MARGIN) * value / top


def _axes(top: float) -> str:
    bottom, right = _HEIGHT - _MARGIN, _WIDTH - _MARGIN
    grid = "".join(
        f'<line x1="{_LEFT}" y1="{_y(level, 1):.1f}" x2="{right}" y2="{_y(level, 1):.1f}" '
        f'stroke="#ddd"/>' + _text(_LEFT - 6, _y(level, 1) + 4, _number(top * level), "end")
        for level in (0.5, 1.0)
    )
    return (
        grid
        + f'<line x1="{_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#888"/>'
        + f'<line x1="{_LEFT}" y1="{_MARGIN}" x2="{_LEFT}" y2="{bottom}" stroke="#888"/>'
        + _text(_LEFT - 6, bottom + 4, "0", "end")
    )


def _svg(title: str, body: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" font-family="sans-serif" font-size="12">'
        f"<title>{html.escape(title)}</title>"
        f'<rect width="{_WIDTH}" height="{height}" fill="white"/>'
        + _text(_WIDTH / 2, 18, title, "middle", bold=True)
        + body
        + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{weight}>{html.escape(text)}</text>'
    )


def _number(value: float, unit: str = "") -> str:
    if unit == "%":
        return f"{value:.1f}%"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:,.2f} M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:,.1f} k"
    return f"{value:,.2f}"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return (
            f"<td class='n'>{value:,.4f}</td>"
            if abs(value) < 1
            else f"<td class='n'>{value:,.2f}</td>"
        )
    if isinstance(value, int):
        return f"<td class='n'>{value:,}</td>"
    return f"<td>{html.escape('' if value is None else str(value))}</td>"


_STYLE = (
    "body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin-bottom:.5em;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 8px}th{background:#eef5f1}td.n{text-align:right}"
    "figure{margin:1.5em 0}figcaption{color:#666;font-size:12px}p.more{color:#666;font-size:12px}"
)
