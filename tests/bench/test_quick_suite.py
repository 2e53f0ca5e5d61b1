"""The quick suite runs end to end and writes a complete report: every section, every chart."""

import json
import struct
from pathlib import Path

import pytest

from bench.core import Options
from bench.report import README
from bench.suite import BENCHMARKS, run_suite

pytestmark = [pytest.mark.mariadb, pytest.mark.slow]

SECTION_TITLES = {
    "generation": "## Generation: row dicts and DataFrames against columnar",
    "loading": "## Loading: LOAD DATA LOCAL INFILE against to_sql and executemany",
    "growth": "## Growth: time per iteration as the database grows",
    "lake": "## Lake: silver writing and KPIs over growing volumes",
    "targets": "## Speed targets",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; raises if the file is not a PNG."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def quick(bench_server, tmp_path_factory):
    readme_before = README.read_text() if README.exists() else None
    out = tmp_path_factory.mktemp("reports")
    options = Options(
        bench_server, out=out, quick=True, repeat=1, growth_iterations=3, growth_invoices=60
    )
    result = run_suite(options)
    assert (README.read_text() if README.exists() else None) == readme_before
    return result


def test_the_report_has_every_section_in_suite_order(quick):
    text = quick.report.read_text()
    positions = [text.index(SECTION_TITLES[name]) for name in BENCHMARKS]
    assert positions == sorted(positions)
    assert quick.report.name.endswith("-quick.md")
    assert "## Machine" in text and "MariaDB" in text and "pyarrow" in text


def test_every_chart_is_a_png_file_linked_from_the_report(quick):
    text = quick.report.read_text()
    names = sorted(chart.path.name for chart in quick.charts)
    assert names == sorted(f"{quick.report.stem}-{name}.png" for name in BENCHMARKS)
    for chart in quick.charts:
        assert chart.path.parent == quick.report.parent
        width, height = png_size(chart.path)
        assert width > 100 and height > 100
        assert f"]({chart.path.name})" in text


def test_the_json_twin_holds_each_sections_figures(quick):
    data = json.loads(quick.data.read_text())
    assert list(data["sections"]) == list(BENCHMARKS)
    growth = data["sections"]["growth"]
    assert growth["rows_before"] == [0, 120, 240]  # 60 invoices with one item each per day
    loading = data["sections"]["loading"]
    assert set(loading["median_rows_per_second"]) == {
        "pandas to_sql",
        "pymysql executemany",
        "replace_day (ours)",
        "replace_day, day present",
        "bare LOAD DATA",
    }


def test_quick_targets_are_measured_but_not_judged(quick):
    targets = quick.sections["targets"]
    (table,) = targets.tables
    assert len(table.rows) == 6
    assert {row[3] for row in table.rows} == {"not judged (scaled down)"}
    assert not quick.readme_updated
