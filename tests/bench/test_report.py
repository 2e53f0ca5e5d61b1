"""The report pieces: markdown tables, the README's marked block, targets and suite selection."""

from datetime import date
from pathlib import Path

import pytest

from bench.core import Chart, Options, Run, Section, Table
from bench.database import Server
from bench.growth import rise
from bench.report import BEGIN, END, markdown_table, render_section, update_readme
from bench.stats import Line, format_percent
from bench.suite import report_name, selected
from bench.targets import Target


def test_markdown_table_aligns_the_first_column_left_and_the_rest_right():
    table = Table(("name", "rate"), [("ours", "1.23 Mrows/s"), ("pandas", "456 krows/s")])
    assert markdown_table(table).splitlines() == [
        "| name | rate |",
        "|:---|---:|",
        "| ours | 1.23 Mrows/s |",
        "| pandas | 456 krows/s |",
    ]


def test_render_section_links_charts_relative_to_the_report(tmp_path):
    chart_path = tmp_path / "2026-01-01-full-loading.png"
    section = Section("loading", "Loading", paragraphs=["Generated text."])
    section.charts.append(Chart(chart_path, "Rows/s"))
    text = render_section(section, tmp_path)
    assert text.startswith("## Loading\n\nGenerated text.")
    assert "![Rows/s](2026-01-01-full-loading.png)" in text


def test_update_readme_replaces_only_the_marked_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Bench\n\nBefore.\n\n{BEGIN}\nold figures\n{END}\n\nAfter.\n")
    update_readme(f"{BEGIN}\nnew figures\n{END}", readme)
    assert readme.read_text() == f"# Bench\n\nBefore.\n\n{BEGIN}\nnew figures\n{END}\n\nAfter.\n"


def test_update_readme_appends_a_block_when_none_is_marked(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Bench\n")
    update_readme(f"{BEGIN}\nfigures\n{END}", readme)
    assert readme.read_text() == f"# Bench\n\n{BEGIN}\nfigures\n{END}\n"


def _target(figure: float, threshold: float, floor: bool, at_size: bool = True) -> Target:
    return Target("t", figure, threshold, floor, format_percent, at_size, "here")


def test_a_floor_target_passes_at_or_above_its_threshold():
    assert _target(0.8, 0.8, floor=True).verdict == "PASS"
    assert _target(0.79, 0.8, floor=True).verdict == "FAIL"
    assert _target(0.9, 0.8, floor=True).headroom == pytest.approx(1.125)


def test_a_limit_target_passes_strictly_below_its_threshold():
    assert _target(59.0, 60.0, floor=False).verdict == "PASS"
    assert _target(60.0, 60.0, floor=False).verdict == "FAIL"
    assert _target(120.0, 60.0, floor=False).headroom == pytest.approx(0.5)


def test_a_scaled_down_target_is_not_judged():
    assert _target(2.0, 60.0, floor=False, at_size=False).verdict == "not judged (scaled down)"
    assert _target(0.5, 0.8, floor=True).row() == ("t", "50.0 %", ">= 80.0 %", "FAIL", "here")


def test_rise_is_the_lines_climb_over_the_typical_iteration():
    assert rise(Line(slope=0.5, intercept=2.0, r_squared=1.0), 0, 4, 4.0) == pytest.approx(0.5)
    assert rise(Line(slope=0.0, intercept=3.0, r_squared=1.0), 0, 1e7, 3.0) == 0.0
    # A fit starting below zero still gives a positive climb for a rising series.
    assert rise(Line(slope=2e-6, intercept=-1.0, r_squared=0.8), 0, 1e7, 7.0) == pytest.approx(
        20 / 7
    )


def test_selection_keeps_suite_order_and_refuses_unknown_names():
    assert selected(()) == ["generation", "loading", "growth", "lake", "targets"]
    assert selected(("targets", "loading")) == ["loading", "targets"]
    with pytest.raises(ValueError, match="unknown benchmark 'speed'"):
        selected(("speed",))


def test_report_names_say_the_mode_and_the_selection():
    server = Server()
    assert report_name(Options(server)) == "full"
    assert report_name(Options(server, quick=True)) == "quick"
    assert report_name(Options(server, only=("lake", "loading"))) == "loading-lake"
    assert report_name(Options(server, quick=True, only=("lake",))) == "quick-lake"


def test_run_file_names_start_with_the_date_and_the_name(tmp_path):
    run = Run(Options(Server(), out=tmp_path, today=date(2026, 1, 2)), "full")
    assert run.stem == "2026-01-02-full"
    assert run.chart_path("growth") == Path(tmp_path) / "2026-01-02-full-growth.png"
