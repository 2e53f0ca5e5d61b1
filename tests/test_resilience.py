import json
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import dagster as dg
import pyarrow.compute as pc
import pymysql
import pytest

from datagen_platform import schema
from datagen_platform.assets import sucos_vendas
from datagen_platform.assets.sucos_vendas import build_fact_assets, retry_delay
from datagen_platform.errors import TransientDatabaseError
from datagen_platform.generation import Scenario, generate_day, generate_dimension, load_profile
from datagen_platform.progress import SilentProgress
from datagen_platform.resources.embedded import EmbeddedDuckDBResource
from datagen_platform.resources.scenario import ScenarioResource

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
START = date(2024, 1, 1)
WORLD = Scenario(7, load_profile("small"), START)
HOLD_THE_FILE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
con.close()
"""


def _with_dimensions(database) -> None:
    database.ensure_schema()
    for table in schema.DIMENSIONS:
        database.load_dimension(table.name, generate_dimension(WORLD, table.name))


def _load_facts(database, instance, day: str) -> dg.ExecuteInProcessResult:
    facts = build_fact_assets(dg.DailyPartitionsDefinition(start_date="2024-01-01"), "duckdb")
    return dg.materialize(
        [facts],
        resources={
            "scenario": ScenarioResource(seed=7, profile="small", start_date="2024-01-01"),
            "operational_db": database,
            "progress": SilentProgress(),
        },
        instance=instance,
        partition_key=day,
        run_config=QUIET,
        raise_on_error=False,
    )


def _events(instance, event_type: dg.DagsterEventType) -> list:
    return instance.get_event_records(dg.EventRecordsFilter(event_type=event_type))


def test_retry_waits_double_each_time():
    assert [retry_delay(n, 2.0) for n in range(4)] == [2.0, 4.0, 8.0, 16.0]


def test_a_database_file_held_by_another_process_is_retried_until_it_is_free(tmp_path, monkeypatch):
    monkeypatch.setattr(sucos_vendas, "FIRST_RETRY_SECONDS", 0.2)
    path = tmp_path / "ops.duckdb"
    _with_dimensions(EmbeddedDuckDBResource(path=str(path)))
    database = EmbeddedDuckDBResource(path=str(path), lock_timeout_seconds=0.3)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_FILE, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    with dg.instance_for_test() as instance:
        outcome = {}
        loader = threading.Thread(
            target=lambda: outcome.update(result=_load_facts(database, instance, "2024-01-02"))
        )
        loader.start()
        # The other process lets go only once the step has been sent back for a retry.
        deadline = time.monotonic() + 60
        while not _events(instance, dg.DagsterEventType.STEP_UP_FOR_RETRY):
            assert time.monotonic() < deadline, "the step never asked for a retry"
            time.sleep(0.1)
        holder.communicate(timeout=30)
        loader.join(timeout=60)
        retries = _events(instance, dg.DagsterEventType.STEP_UP_FOR_RETRY)

    assert outcome["result"].success
    assert len(retries) >= 1
    assert "TransientDatabaseError" in str(
        retries[0].event_log_entry.dagster_event.event_specific_data
    )
    expected = generate_day(WORLD, date(2024, 1, 2))
    counts = database.day_counts(date(2024, 1, 2), date(2024, 1, 2))
    assert counts == {date(2024, 1, 2): (expected.notas.num_rows, expected.itens.num_rows)}


def test_a_data_error_fails_at_once_without_a_retry(tmp_path):
    # No dimension rows: every invoice breaks its foreign keys, on every attempt alike.
    database = EmbeddedDuckDBResource(path=str(tmp_path / "ops.duckdb"))
    database.ensure_schema()
    with dg.instance_for_test() as instance:
        result = _load_facts(database, instance, "2024-01-02")
        retries = _events(instance, dg.DagsterEventType.STEP_UP_FOR_RETRY)
        failures = _events(instance, dg.DagsterEventType.STEP_FAILURE)

    assert not result.success
    assert retries == []
    assert len(failures) == 1
    error = failures[0].event_log_entry.dagster_event.step_failure_data.error
    assert error.cause.cls_name == "DataIntegrityError"


KILLED_LOAD = """
import json, sys, time
from datetime import date
import pyarrow.compute as pc
from datagen_platform.generation import Scenario, generate_day, load_profile
from datagen_platform.resources.mariadb import MariaDBResource

settings, day = json.loads(sys.argv[1]), date.fromisoformat(sys.argv[2])
database = MariaDBResource(**settings)
facts = generate_day(Scenario(7, load_profile("small"), date(2024, 1, 1)), day)

def blocks():
    # Half the invoices, with another tax rate, then a block that never comes.
    half = facts.notas.slice(0, facts.notas.num_rows // 2)
    half = half.set_column(4, "IMPOSTO", pc.multiply(half["IMPOSTO"], 0).cast(half["IMPOSTO"].type))
    yield half, facts.itens.filter(pc.is_in(facts.itens["NUMERO"], half["NUMERO"]))
    time.sleep(3600)
    yield from ()

database.replace_day(day, blocks())
"""


def _open_transaction_rows(settings: dict) -> int:
    query = (
        "SELECT COALESCE(MAX(t.trx_rows_modified), 0) FROM information_schema.innodb_trx AS t "
        "JOIN information_schema.processlist AS p ON p.ID = t.trx_mysql_thread_id "
        "WHERE p.DB = %s"
    )
    connection = {k: settings[k] for k in ("host", "port", "user", "password")}
    with pymysql.connect(**connection, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(query, (settings["database"],))
        return int(cur.fetchone()[0])


@pytest.mark.mariadb
def test_a_load_killed_midway_leaves_the_day_as_it_was(mariadb_resource):
    _with_dimensions(mariadb_resource)
    day = date(2024, 1, 2)
    facts = generate_day(WORLD, day)
    mariadb_resource.replace_day(day, [facts])
    before = {t.name: mariadb_resource.read_table(t.name, day) for t in schema.FACTS}
    settings = mariadb_resource.model_dump()
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED_LOAD), json.dumps(settings), str(day)]
    )
    try:
        # Deleted day plus the half block written: the load is inside its transaction.
        written = facts.notas.num_rows + facts.itens.num_rows + 1
        deadline = time.monotonic() + 60
        while _open_transaction_rows(settings) < written:
            assert child.poll() is None, "the load ended before it could be killed"
            assert time.monotonic() < deadline, "the load never reached the middle"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)

    assert child.returncode == -signal.SIGKILL
    for table in schema.FACTS:
        assert mariadb_resource.read_table(table.name, day).equals(before[table.name])
    assert pc.min(before["notas_fiscais"]["IMPOSTO"]).as_py() > 0


@pytest.mark.mariadb
def test_days_loaded_in_parallel_keep_every_row_and_unique_invoice_numbers(mariadb_resource):
    _with_dimensions(mariadb_resource)
    days = [date(2024, 1, d) for d in range(1, 7)]
    expected = {day: generate_day(WORLD, day) for day in days}
    with ThreadPoolExecutor(max_workers=len(days)) as pool:
        list(pool.map(lambda d: mariadb_resource.replace_day(d, [expected[d]]), days))

    counts = mariadb_resource.day_counts(days[0], days[-1])
    assert counts == {d: (f.notas.num_rows, f.itens.num_rows) for d, f in expected.items()}
    numeros = mariadb_resource.read_table("notas_fiscais")["NUMERO"].to_pylist()
    assert len(numeros) == len(set(numeros)) == sum(f.notas.num_rows for f in expected.values())


@pytest.mark.mariadb
def test_a_connection_killed_during_a_load_is_a_transient_error(mariadb_resource):
    _with_dimensions(mariadb_resource)
    day = date(2024, 1, 2)
    settings = mariadb_resource.model_dump()
    connection = {k: settings[k] for k in ("host", "port", "user", "password", "database")}
    outcome = {}

    def load() -> None:
        try:
            mariadb_resource.replace_day(day, [generate_day(WORLD, day)])
        except Exception as error:
            outcome["error"] = error

    with pymysql.connect(**connection, autocommit=True) as admin, admin.cursor() as cur:
        # The table lock makes the load wait in its DELETE, where it is then cut off.
        cur.execute("LOCK TABLES notas_fiscais WRITE, itens_notas_fiscais WRITE")
        loader = threading.Thread(target=load)
        loader.start()
        waiting = _waiting_connection(cur, settings["database"])
        cur.execute(f"KILL CONNECTION {int(waiting)}")
        cur.execute("UNLOCK TABLES")
        loader.join(timeout=30)

    assert isinstance(outcome.get("error"), TransientDatabaseError)
    assert "error 2013" in str(outcome["error"])
    assert mariadb_resource.day_counts(day, day) == {}


def _waiting_connection(cur, database: str) -> int:
    query = (
        "SELECT ID FROM information_schema.processlist "
        "WHERE DB = %s AND ID <> CONNECTION_ID() AND STATE LIKE %s"
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        cur.execute(query, (database, "%lock%"))
        row = cur.fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError("the load never waited for the table lock")
