"""The `bench_report` asset runs a configured suite and attaches its charts and report path."""

import base64
import re
from pathlib import Path

import dagster as dg
import pytest

from datagen_platform.assets.bench import BenchConfig, bench_report, suite_arguments


def test_config_becomes_suite_arguments():
    config = BenchConfig(size="full", only=["lake", "loading"], repeat=5, out_dir="x")
    assert suite_arguments(config) == ["--out", "x", "--only", "lake,loading", "--repeat", "5"]
    assert suite_arguments(BenchConfig(growth_invoices=10)) == [
        "--out",
        "var/bench",
        "--quick",
        "--growth-invoices",
        "10",
    ]


def test_an_unknown_size_is_refused():
    with pytest.raises(dg.Failure, match="size='huge'"):
        suite_arguments(BenchConfig(size="huge"))


def test_the_asset_sits_outside_the_daily_groups():
    assert bench_report.group_names_by_key[dg.AssetKey("bench_report")] == "bench"
    assert not bench_report.dependency_keys


@pytest.mark.mariadb
def test_materializing_the_asset_embeds_its_charts(bench_server, tmp_path):
    config = {"size": "quick", "only": ["lake"], "repeat": 1, "out_dir": str(tmp_path)}
    result = dg.materialize(
        [bench_report], run_config={"ops": {"bench_report": {"config": config}}}
    )
    assert result.success
    metadata = result.asset_materializations_for_node("bench_report")[0].metadata

    report = Path(metadata["path"].value)
    assert report.exists() and report.parent == tmp_path.resolve()
    assert report.name.endswith("-quick-lake.md")
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", metadata["charts"].value)
    assert len(images) == 1
    assert base64.b64decode(images[0])[:8] == b"\x89PNG\r\n\x1a\n"
    assert metadata["benchmarks"].value == "lake"
