"""The `datagen` command: materialize the asset graph for a range of days without the UI."""

import argparse
import os
import sys
import time
import warnings
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
from tqdm import tqdm

from datagen_platform.assembly import ALL_ASSETS_JOB, build_definitions
from datagen_platform.config import Settings
from datagen_platform.errors import ConfigError, DatagenError
from datagen_platform.partitions import daily_partitions

DEFAULT_WINDOW_DAYS = 7
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class BarProgress:
    """A terminal progress bar with one step per loaded day; silent when not on a terminal."""

    def __init__(self, days: int):
        self._bar = tqdm(total=days, unit="day", desc="loading", disable=None, leave=False)
        self._rows = 0

    def advance(self, label: str, rows: int) -> None:
        self._rows += rows
        self._bar.set_postfix_str(f"{label} {self._rows:,} rows", refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The shell user cannot act on Dagster's notices about its own beta APIs.
    for category in (dg.BetaWarning, dg.PreviewWarning):
        warnings.filterwarnings("ignore", category=category)
    try:
        return _run(args)
    except DatagenError as error:
        print(f"datagen: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="datagen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="generate, load and process a range of days",
        description="Materialize every asset for a range of days in one Dagster run. With no "
        f"dates: the newest {DEFAULT_WINDOW_DAYS} complete days.",
    )
    run.add_argument("--start", type=_iso_date, help="first day, YYYY-MM-DD")
    run.add_argument("--end", type=_iso_date, help="last day, YYYY-MM-DD (inclusive)")
    run.add_argument("--profile", help="scale profile name or TOML file (DATAGEN_PROFILE)")
    run.add_argument("--seed", help="scenario seed (DATAGEN_SEED)")
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD") from None


def _run(args: argparse.Namespace) -> int:
    overrides = {"DATAGEN_PROFILE": args.profile, "DATAGEN_SEED": args.seed}
    env = {**os.environ, **{k: v for k, v in overrides.items() if v is not None}}
    settings = Settings.from_env(env)
    first, last = resolve_range(settings.start_date, args.start, args.end)
    days = (last - first).days + 1

    progress = BarProgress(days)
    defs = build_definitions(settings, progress=progress)
    started = time.perf_counter()
    results = []
    with _instance() as instance:
        for keys, ranged in run_stages(defs):
            tags = _range_tags(first, last) if ranged else {}
            results.append(_execute(defs, instance, keys, tags))
            if not results[-1].success:
                break
    progress.close()
    elapsed = time.perf_counter() - started

    failed = next((result for result in results if not result.success), None)
    if failed is not None:
        print(f"datagen: run {failed.run_id} failed: {_failure(failed)}", file=sys.stderr)
        return 1
    _print_summary(results, settings, first, last, elapsed)
    return 0


def run_stages(
    defs: dg.Definitions, job: str = ALL_ASSETS_JOB
) -> list[tuple[set[dg.AssetKey], bool]]:
    """The graph's assets in up to three runs: the unpartitioned assets the days depend on, every
    daily asset for the whole range in one run, then the unpartitioned assets built on the days.

    On SQLite storage, Dagster plans one event per day of the range for every asset of a ranged
    run, partitioned or not: keeping the unpartitioned assets out of it spares most of them.
    """
    graph = defs.resolve_asset_graph()
    keys = set(defs.resolve_job_def(job).asset_layer.executable_asset_keys)
    daily = {key for key in keys if graph.get(key).partitions_def is not None}
    before = set(dg.AssetSelection.assets(*daily).upstream().resolve(graph)) & keys - daily
    after = keys - daily - before
    stages = [(before, False), (daily, True), (after, False)]
    return [(stage, ranged) for stage, ranged in stages if stage]


def _range_tags(first: date, last: date) -> dict[str, str]:
    return {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat(),
    }


def _execute(defs, instance, keys: set[dg.AssetKey], tags: dict[str, str]):
    return defs.resolve_job_def(ALL_ASSETS_JOB).execute_in_process(
        instance=instance,
        run_config=QUIET,
        asset_selection=sorted(keys),
        tags=tags,
        raise_on_error=False,
    )


def resolve_range(first_partition: date, start: date | None, end: date | None):
    """The inclusive day range to run, checked against the daily partitions that exist."""
    partitions = daily_partitions(first_partition)
    newest = date.fromisoformat(partitions.get_last_partition_key())
    end = end or newest
    start = start or max(first_partition, end - timedelta(days=DEFAULT_WINDOW_DAYS - 1))
    if end < start:
        raise ConfigError(f"--end {end} is before --start {start}")
    if start < first_partition:
        raise ConfigError(
            f"--start {start} is before the first partition {first_partition} (DATAGEN_START_DATE)"
        )
    if end > newest:
        raise ConfigError(f"--end {end} is not a complete day yet; the newest is {newest}")
    return start, end


def _instance() -> dg.DagsterInstance:
    """The instance in DAGSTER_HOME when it is set, so the UI shows runs from the shell too;
    otherwise an in-memory one, which skips storing an event per partition (far faster for
    long ranges)."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return dg.DagsterInstance.ephemeral()
    Path(home).mkdir(parents=True, exist_ok=True)
    config = Path(home) / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return dg.DagsterInstance.get()


def _failure(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error:
            error = event.step_failure_data.error
            cause = error.cause or error
            return f"step {event.step_key}: {cause.message.strip()}"
    return "see the run's logs"


def _print_summary(results, settings: Settings, first: date, last: date, elapsed: float) -> None:
    rows = Counter()
    for result in results:
        for event in result.get_asset_materialization_events():
            materialization = event.step_materialization_data.materialization
            count = materialization.metadata.get("dagster/row_count")
            if count is not None:
                rows[materialization.asset_key.to_user_string()] += int(count.value)
    print(f"datagen: {first} to {last} ({(last - first).days + 1} days) in {elapsed:.1f} s")
    print(f"  target: {settings.target}, profile {settings.profile}, seed {settings.seed}")
    print(f"  lake: {settings.datalake}, warehouse: {settings.warehouse_path}")
    for key in sorted(rows):
        print(f"  {key:<45} {rows[key]:>12,} rows")


if __name__ == "__main__":
    sys.exit(main())
