from datetime import date, timedelta

import dagster as dg
import pytest

from datagen_platform import cli, schema
from datagen_platform.assets.sucos_vendas import source_key
from datagen_platform.errors import ConfigError
from datagen_platform.generation import Scenario, generate_day, load_profile
from datagen_platform.partitions import daily_partitions
from datagen_platform.resources import EmbeddedDuckDBResource

FIRST = date(2024, 1, 1)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A clean folder and environment: the CLI writes var/ and the lake under the cwd."""
    monkeypatch.chdir(tmp_path)
    for name in ("MARIADB_HOST", "DATAGEN_PROFILE", "DATAGEN_SEED", "DATAGEN_EMBEDDED_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("DATAGEN_START_DATE", FIRST.isoformat())
    (tmp_path / "dagster_home").mkdir()
    return tmp_path


def test_no_dates_means_the_newest_week_of_complete_days():
    newest = date.fromisoformat(daily_partitions(FIRST).get_last_partition_key())

    assert cli.resolve_range(FIRST, None, None) == (newest - timedelta(days=6), newest)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2024, 3, 2), date(2024, 3, 1), "--end 2024-03-01 is before --start 2024-03-02"),
        (date(2023, 12, 31), None, "--start 2023-12-31 is before the first partition 2024-01-01"),
        (None, date(2999, 1, 1), "--end 2999-01-01 is not a complete day yet"),
    ],
)
def test_a_range_outside_the_partitions_is_refused(start, end, message):
    with pytest.raises(ConfigError, match=message):
        cli.resolve_range(FIRST, start, end)


def test_run_loads_the_range_and_prints_rows_per_table(workdir, capsys):
    code = cli.main(["run", "--start", "2024-01-01", "--end", "2024-01-05", "--profile", "small"])

    out = capsys.readouterr().out
    world = Scenario(42, load_profile("small"), FIRST)
    days = [generate_day(world, FIRST + timedelta(days=i)) for i in range(5)]
    assert code == 0
    assert "2024-01-01 to 2024-01-05 (5 days)" in out
    assert f"{sum(d.notas.num_rows for d in days):>12,} rows" in _line(out, "/notas_fiscais")
    assert f"{sum(d.itens.num_rows for d in days):>12,} rows" in _line(out, "itens_notas")
    database = EmbeddedDuckDBResource(path=str(workdir / "var" / "sucos_vendas.duckdb"))
    assert len(database.day_counts(FIRST, date(2024, 1, 5))) == 5
    # The source checks ran with the days, in the instance DAGSTER_HOME names.
    with dg.DagsterInstance.get() as instance:
        check = dg.AssetCheckKey(source_key("notas_fiscais"), "values_in_range")
        record = instance.get_latest_asset_check_evaluation_record(check)
        assert record is not None and record.evaluation.passed
        assert len(instance.get_runs()) == 3  # dimensions, the days, then KPIs and the report


def test_an_unknown_profile_is_named_with_the_allowed_ones(workdir, capsys):
    code = cli.main(["run", "--profile", "huge"])

    err = capsys.readouterr().err
    assert code == 2
    assert "DATAGEN_PROFILE='huge'" in err
    assert "classic" in err


def test_an_unreachable_mariadb_fails_the_run_with_host_and_port(workdir, monkeypatch, capsys):
    monkeypatch.setenv("MARIADB_HOST", "127.0.0.1")
    monkeypatch.setenv("MARIADB_PORT", "1")
    monkeypatch.setenv("MARIADB_PASSWORD", "do-not-print-me")

    code = cli.main(["run", "--start", "2024-01-01", "--end", "2024-01-01", "--profile", "small"])

    err = capsys.readouterr().err
    assert code == 1
    assert "127.0.0.1:1" in err
    assert "do-not-print-me" not in err


def test_mariadb_and_embedded_hold_the_same_scenario(workdir, monkeypatch, mariadb_resource):
    args = ["run", "--start", "2024-01-30", "--end", "2024-02-02", "--profile", "small"]
    assert cli.main(args) == 0
    m = mariadb_resource  # the fixture dropped the tables other tests left in the database
    for name, value in (("HOST", m.host), ("PORT", m.port), ("DATABASE", m.database)):
        monkeypatch.setenv(f"MARIADB_{name}", str(value))
    assert cli.main(args) == 0

    embedded = EmbeddedDuckDBResource(path=str(workdir / "var" / "sucos_vendas.duckdb"))
    for table in schema.TABLES:
        assert m.read_table(table).equals(embedded.read_table(table)), table


def _line(out: str, needle: str) -> str:
    return next(line for line in out.splitlines() if needle in line)
