import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.instance.config import PoolGranularity, dagster_instance_config
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._core.storage.runs import SqliteRunStorage

from datagen_platform.definitions import defs

REPO = Path(__file__).resolve().parents[2]
DEPLOY_CONFIG = REPO / "deploy" / "dagster.yaml"
DEV_CONFIG = REPO / "deploy" / "dagster.dev.yaml"
INIT_SCRIPT = REPO / "deploy" / "init-instance.sh"


def _home_with(tmp_path: Path, config: dict) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return home


def _deploy_home_on_sqlite(tmp_path: Path) -> Path:
    """The deployment's instance config with its Postgres storage swapped for SQLite files."""
    config = yaml.safe_load(DEPLOY_CONFIG.read_text())
    config["storage"] = {"sqlite": {"base_dir": str(tmp_path / "storage")}}
    return _home_with(tmp_path, config)


def _run_init_script(home: Path) -> None:
    bin_dir = Path(sys.executable).parent  # where this environment's `dagster` command lives
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }
    subprocess.run(["sh", str(INIT_SCRIPT)], env=env, check=True, capture_output=True, timeout=120)


def _pool_limits(instance: dg.DagsterInstance) -> dict[str, tuple[int, bool]]:
    return {p.name: (p.limit, p.from_default) for p in instance.event_log_storage.get_pool_limits()}


def test_the_deployment_config_passes_dagster_validation(tmp_path):
    shutil.copy(DEPLOY_CONFIG, tmp_path / "dagster.yaml")

    config, custom_class = dagster_instance_config(str(tmp_path))

    postgres = config["storage"]["postgres"]["postgres_db"]
    assert custom_class is None
    assert {field: value for field, value in postgres.items() if field != "port"} == {
        "hostname": {"env": "DAGSTER_POSTGRES_HOST"},
        "username": {"env": "DAGSTER_POSTGRES_USER"},
        "password": {"env": "DAGSTER_POSTGRES_PASSWORD"},
        "db_name": {"env": "DAGSTER_POSTGRES_DB"},
    }


def test_the_deployment_queues_runs_within_its_limits(tmp_path):
    with dg.DagsterInstance.from_config(str(_deploy_home_on_sqlite(tmp_path))) as instance:
        queue = instance.get_concurrency_config().run_queue_config
        pools = instance.get_concurrency_config().pool_config

        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        assert queue.max_concurrent_runs == 4
        assert queue.tag_concurrency_limits == [{"key": "dagster/backfill", "limit": 3}]
        assert pools.default_pool_limit == 2
        assert pools.pool_granularity is PoolGranularity.OP
        assert (instance.run_retries_enabled, instance.run_retries_max_retries) == (True, 2)
        assert instance.run_monitoring_enabled
        assert not instance.telemetry_enabled


def test_the_init_script_gives_the_operational_pool_its_own_limit(tmp_path):
    home = _deploy_home_on_sqlite(tmp_path)

    _run_init_script(home)

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert _pool_limits(instance) == {"operational_db": (1, False)}
        assert instance.global_op_concurrency_default_limit == 2


def test_the_init_script_limits_only_pools_the_assets_declare():
    limited = set(re.findall(r"concurrency set (\S+) \d+", INIT_SCRIPT.read_text()))
    graph = defs.resolve_asset_graph()
    declared = {pool for key in graph.get_all_asset_keys() for pool in graph.get(key).pools}

    assert limited == {"operational_db"}
    assert limited <= declared


def test_the_dev_config_starts_a_queued_sqlite_instance_with_one_slot_per_pool(
    tmp_path, monkeypatch
):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEV_CONFIG, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    with dg.DagsterInstance.get() as instance:
        # What a run claiming a slot does first for a pool without a limit of its own.
        instance.event_log_storage.initialize_concurrency_limit_to_default("operational_db")

        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        assert isinstance(instance.run_storage, SqliteRunStorage)
        assert Path(instance.root_directory) == home
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 2
        assert _pool_limits(instance) == {"operational_db": (1, True)}
        assert not instance.telemetry_enabled


@pytest.mark.parametrize("config", [DEPLOY_CONFIG, DEV_CONFIG], ids=["deploy", "dev"])
def test_run_retries_leave_failed_steps_to_the_assets(config):
    retries = yaml.safe_load(config.read_text())["run_retries"]

    assert retries["enabled"] is True
    assert retries["retry_on_asset_or_op_failure"] is False
