"""Fixtures shared by every test folder: a throwaway MariaDB database and an embedded DuckDB file.

The MariaDB server is found through MARIADB_HOST, MARIADB_PORT, MARIADB_USER and MARIADB_PASSWORD
(default root@127.0.0.1:3306 without a password). Tests never touch MARIADB_DATABASE: they work in
a database with a random name, dropped at the end of the session. When the server cannot be
reached those tests skip, or fail when DATAGEN_REQUIRE_MARIADB=1 (as in CI).
"""

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pymysql
import pytest

from datagen_platform.config import MariaDBSettings, Settings
from datagen_platform.resources import EmbeddedDuckDBResource, MariaDBResource
from datagen_platform.schema import TABLES


def _server() -> MariaDBSettings:
    env = os.environ
    return MariaDBSettings(
        host=env.get("MARIADB_HOST") or "127.0.0.1",
        port=int(env.get("MARIADB_PORT") or 3306),
        user=env.get("MARIADB_USER") or "root",
        password=env.get("MARIADB_PASSWORD", ""),
    )


def _connect(server: MariaDBSettings, database: str | None = None) -> pymysql.Connection:
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        database=database,
        autocommit=True,
        connect_timeout=5,
    )


@pytest.fixture(scope="session")
def mariadb_settings() -> Iterator[Settings]:
    """Settings pointing at a fresh MariaDB database with a random name, dropped afterwards."""
    server = _server()
    try:
        admin = _connect(server)
    except pymysql.err.Error as error:
        reason = f"MariaDB at {server.host}:{server.port} is unreachable: {error.args[-1]}"
        if os.environ.get("DATAGEN_REQUIRE_MARIADB") == "1":
            pytest.fail(f"{reason} (DATAGEN_REQUIRE_MARIADB=1 requires it)")
        pytest.skip(reason)

    name = f"datagen_test_{uuid.uuid4().hex[:10]}"
    try:
        yield Settings(
            mariadb=MariaDBSettings(server.host, server.port, server.user, server.password, name)
        )
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


@pytest.fixture
def mariadb_resource(mariadb_settings: Settings) -> MariaDBResource:
    """A MariaDBResource on the session's database, emptied of the platform's tables first."""
    m = mariadb_settings.mariadb
    with _connect(_server()) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE IF NOT EXISTS `{m.database}`")
        cur.execute(f"USE `{m.database}`")
        # Children before parents, so foreign keys never block a drop.
        cur.execute(f"DROP TABLE IF EXISTS {', '.join(reversed(list(TABLES)))}")
    return MariaDBResource(
        host=m.host, port=m.port, user=m.user, password=m.password, database=m.database
    )


@pytest.fixture(scope="session")
def small_world() -> Callable[[Path], Settings]:
    """Settings of a small scenario (profile `small`, seed 7, first day 2024-01-01) on the
    embedded database, with every file in the folder given."""

    def settings(folder: Path) -> Settings:
        return Settings(
            seed=7,
            profile="small",
            start_date=date(2024, 1, 1),
            embedded_path=folder / "ops.duckdb",
            datalake=str(folder / "lake"),
            warehouse_path=folder / "warehouse.duckdb",
        )

    return settings


@pytest.fixture
def embedded_resource(tmp_path) -> EmbeddedDuckDBResource:
    """An EmbeddedDuckDBResource on a DuckDB file (not yet created) in the test's folder."""
    return EmbeddedDuckDBResource(path=str(tmp_path / "sucos_vendas.duckdb"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that reaches MariaDB through these fixtures is a MariaDB test even if unmarked, so
    # `-m "not mariadb"` reliably leaves the server alone.
    for item in items:
        if "mariadb_settings" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.mariadb)
