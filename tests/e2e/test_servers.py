"""The real Dagster webserver and daemon on 127.0.0.1, driven through the GraphQL API of the UI.

Set DATAGEN_SCREENSHOT_DIR to a folder (docs/take_screenshots.py sets it to docs/) to keep the
lineage screenshot there; it needs the `chromium` browser and is skipped without it.
"""

import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import pymysql
import pytest
import requests

from datagen_platform import schema
from datagen_platform.assets.silver import silver_key
from datagen_platform.assets.sucos_vendas import source_key
from datagen_platform.config import Settings
from datagen_platform.definitions import build_definitions
from datagen_platform.generation import Scenario, generate_day, load_profile
from datagen_platform.jobs import FACT_KEYS, SILVER_FACT_KEYS
from datagen_platform.kpis import load_templates
from datagen_platform.resources.datalake import DatalakeResource
from datagen_platform.resources.mariadb import MariaDBResource

pytestmark = [pytest.mark.slow, pytest.mark.mariadb]

REPO = Path(__file__).resolve().parents[2]
START = date(2024, 1, 1)
DAYS = ["2024-01-02", "2024-01-03", "2024-01-04"]
SEED = 11
FINISHED = ("SUCCESS", "FAILURE", "CANCELED")
# The backfill launched by one test and followed up by the next.
BACKFILL: dict[str, str] = {}
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
LINEAGE_PAGE = "/assets/kpi/monthly_revenue?view=lineage&lineageScope=upstream&lineageDepth=4"

SOURCE_EDGES = {
    **{f"silver/sucos_vendas/{t}": {f"sucos_vendas/{t}"} for t in schema.TABLES},
    "silver/sucos_vendas/notas_fiscais": {
        "sucos_vendas/notas_fiscais",
        "sucos_vendas/itens_notas_fiscais",
    },
    **{
        f"sucos_vendas/{t.name}": {f"sucos_vendas/{d.name}" for d in schema.DIMENSIONS}
        for t in schema.FACTS
    },
    **{f"sucos_vendas/{d.name}": set() for d in schema.DIMENSIONS},
    "audit/day_reconciliation": {
        "silver/sucos_vendas/notas_fiscais",
        "silver/sucos_vendas/itens_notas_fiscais",
    },
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(what: str, condition: Callable[[], object], timeout: float, log: Path) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except requests.RequestException:
            value = None
        if value:
            return value
        time.sleep(1)
    tail = log.read_text(errors="replace")[-3000:]
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; log tail:\n{tail}")


@dataclasses.dataclass
class Server:
    url: str
    log: Path

    def gql(self, query: str, variables: dict | None = None) -> dict:
        response = requests.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30
        )
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


def _environment(settings: Settings, home: Path, folder: Path) -> dict[str, str]:
    m = settings.mariadb
    venv_bin = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}",
        "DAGSTER_HOME": str(home),
        "MARIADB_HOST": m.host,
        "MARIADB_PORT": str(m.port),
        "MARIADB_USER": m.user,
        "MARIADB_PASSWORD": m.password,
        "MARIADB_DATABASE": m.database,
        "DATAGEN_PROFILE": "small",
        "DATAGEN_SEED": str(SEED),
        "DATAGEN_START_DATE": START.isoformat(),
        "DATAGEN_DATALAKE": str(folder / "lake"),
        "DATAGEN_WAREHOUSE": str(folder / "warehouse.duckdb"),
        "DATAGEN_EMBEDDED_PATH": str(folder / "unused.duckdb"),
    }


@pytest.fixture(scope="module")
def server(mariadb_settings, tmp_path_factory) -> Iterator[Server]:
    """`dagster dev` (webserver and daemon) in its own process group, stopped with SIGINT."""
    folder = tmp_path_factory.mktemp("servers")
    home = folder / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "deploy" / "dagster.dev.yaml", home / "dagster.yaml")
    _reset_database(mariadb_settings)
    _load_dimensions(mariadb_settings, home, folder)
    port, log = _free_port(), folder / "dagster-dev.log"
    command = [str(Path(sys.executable).parent / "dagster"), "dev", "-w", "workspace.yaml"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=_environment(mariadb_settings, home, folder),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(url=f"http://127.0.0.1:{port}", log=log)
    try:
        _wait("the webserver", lambda: requests.get(f"{running.url}/server_info").ok, 90, log)
        _wait("the code location", lambda: _location_loaded(running), 90, log)
        yield running
    finally:
        _stop(process)


def _load_dimensions(settings: Settings, home: Path, folder: Path) -> None:
    """The static dimensions, loaded in process into the instance the servers will use.

    The backfill then needs a single run; the daemon only looks at backfills every 30 s.
    """
    settings = dataclasses.replace(
        settings,
        seed=SEED,
        profile="small",
        start_date=START,
        datalake=str(folder / "lake"),
        warehouse_path=folder / "warehouse.duckdb",
    )
    keys = [key for t in schema.DIMENSIONS for key in (source_key(t.name), silver_key(t.name))]
    dimensions = dg.define_asset_job("dimensions", selection=dg.AssetSelection.assets(*keys))
    defs = dg.Definitions.merge(build_definitions(settings), dg.Definitions(jobs=[dimensions]))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        result = defs.resolve_job_def("dimensions").execute_in_process(
            instance=instance, run_config=QUIET
        )
    assert result.success


def _location_loaded(server: Server) -> bool:
    entries = server.gql(
        "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
    )["workspaceOrError"]["locationEntries"]
    return bool(entries) and all(entry["loadStatus"] == "LOADED" for entry in entries)


def _stop(process: subprocess.Popen) -> None:
    # SIGINT to the whole group: `dagster dev` then stops the webserver and daemon it started.
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        raise AssertionError("dagster dev ignored SIGINT for 60 s and was killed") from None


def _reset_database(settings: Settings) -> None:
    m = settings.mariadb
    with (
        pymysql.connect(
            host=m.host, port=m.port, user=m.user, password=m.password, autocommit=True
        ) as conn,
        conn.cursor() as cur,
    ):
        cur.execute(f"CREATE DATABASE IF NOT EXISTS `{m.database}`")
        cur.execute(f"USE `{m.database}`")
        # Children before parents, so foreign keys never block a drop.
        cur.execute(f"DROP TABLE IF EXISTS {', '.join(reversed(list(schema.TABLES)))}")


def test_the_ui_shows_the_exact_asset_graph(server):
    nodes = server.gql("{ assetNodes { assetKey { path } dependencyKeys { path } } }")
    found = {
        "/".join(node["assetKey"]["path"]): {"/".join(d["path"]) for d in node["dependencyKeys"]}
        for node in nodes["assetNodes"]
    }
    templates = load_templates()
    expected = {
        **SOURCE_EDGES,
        **{f"kpi/{t.name}": {f"silver/sucos_vendas/{i}" for i in t.inputs} for t in templates},
        "kpi_report": {f"kpi/{t.name}" for t in templates},
        # The benchmark report stands alone: it measures the machine, not the data.
        "bench_report": set(),
    }

    assert found == expected
    assert found["kpi/monthly_revenue"] == {"silver/sucos_vendas/notas_fiscais"}


def test_a_three_day_backfill_through_the_daemon_fills_mariadb_and_the_lake(
    server, mariadb_settings
):
    keys = [key.path for key in FACT_KEYS + SILVER_FACT_KEYS]
    launched = server.gql(
        "mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: "
        "$params) { __typename ... on LaunchBackfillSuccess { backfillId } "
        "... on PythonError { message } } }",
        {"params": {"assetSelection": [{"path": k} for k in keys], "partitionNames": DAYS}},
    )["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    BACKFILL.update(launched)
    # The data is complete once the backfill's runs are; the daemon marks the backfill itself
    # complete on a later tick, checked in the next test while the KPIs refresh.
    runs = _wait(
        "the backfill's runs",
        lambda: _finished_runs(server, launched["backfillId"]),
        240,
        server.log,
    )

    assert [run["status"] for run in runs] == ["SUCCESS"]
    assert runs[0]["tags"]["dagster/asset_partition_range_start"] == DAYS[0]
    assert runs[0]["tags"]["dagster/asset_partition_range_end"] == DAYS[-1]
    world = Scenario(SEED, load_profile("small"), START)
    counts = _resource(mariadb_settings).day_counts(START, date(2024, 1, 31))
    expected = {}
    for day in map(date.fromisoformat, DAYS):
        facts = generate_day(world, day)
        expected[day] = (facts.notas.num_rows, facts.itens.num_rows)
    assert counts == expected
    lake = DatalakeResource(root=str(server.log.parent / "lake"))
    for table in schema.FACTS:
        assert [d.isoformat() for d in lake.list_partitions(table.name)] == DAYS


def test_the_backfill_completes_and_the_kpi_sensor_refreshes_the_kpis_and_the_report(server):
    run = _wait("the KPI run", lambda: _finished_kpi_run(server), 150, server.log)
    status = _wait(
        "the backfill to complete",
        lambda: _finished_status(server, BACKFILL["backfillId"]),
        90,
        server.log,
    )

    assert status == "COMPLETED_SUCCESS"
    assert run["status"] == "SUCCESS", run
    assert run["tags"]["datagen/trigger"] == "kpi"
    assert run["tags"]["dagster/sensor_name"] == "kpi_refresh_sensor"
    assert (server.log.parent / "lake" / "gold" / "kpi" / "monthly_revenue.parquet").is_file()


def _resource(settings: Settings) -> MariaDBResource:
    m = settings.mariadb
    return MariaDBResource(
        host=m.host, port=m.port, user=m.user, password=m.password, database=m.database
    )


def _finished_status(server: Server, backfill_id: str) -> str | None:
    status = server.gql(
        "query($id: String!) { partitionBackfillOrError(backfillId: $id) { "
        "... on PartitionBackfill { status } } }",
        {"id": backfill_id},
    )["partitionBackfillOrError"]["status"]
    return None if status == "REQUESTED" else status


def _runs(server: Server, runs_filter: dict) -> list[dict]:
    runs = server.gql(
        "query($filter: RunsFilter) { runsOrError(filter: $filter) { ... on Runs { results { "
        "status tags { key value } } } } }",
        {"filter": runs_filter},
    )["runsOrError"]["results"]
    return [
        {"status": run["status"], "tags": {t["key"]: t["value"] for t in run["tags"]}}
        for run in runs
    ]


def _finished_runs(server: Server, backfill_id: str) -> list[dict] | None:
    runs = _runs(server, {"tags": [{"key": "dagster/backfill", "value": backfill_id}]})
    return runs if runs and all(run["status"] in FINISHED for run in runs) else None


def _finished_kpi_run(server: Server) -> dict | None:
    finished = [
        run for run in _runs(server, {"pipelineName": "kpi_job"}) if run["status"] in FINISHED
    ]
    return finished[0] if finished else None


def test_a_screenshot_of_the_lineage_page(server, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium on PATH: the lineage screenshot was not taken")
    server.gql("mutation { setNuxSeen }")
    folder = Path(os.environ.get("DATAGEN_SCREENSHOT_DIR") or tmp_path)
    out = folder / "lineage.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--hide-scrollbars",
                "--window-size=1600,1000",
                "--virtual-time-budget=20000",
                f"--screenshot={out}",
                server.url + LINEAGE_PAGE,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    # A blank page, or the community modal alone, is a few kilobytes; the graph is far more.
    assert out.stat().st_size > 50_000
