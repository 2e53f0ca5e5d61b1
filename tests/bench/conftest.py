"""The MariaDB server the suite measures, or a skip (a failure under DATAGEN_REQUIRE_MARIADB=1)."""

import os

import pymysql
import pytest

from bench.database import Server


@pytest.fixture(scope="session")
def bench_server() -> Server:
    """The server from MARIADB_HOST and friends; the suite makes its own throwaway databases."""
    server = Server.from_env()
    try:
        server.version()
    except pymysql.err.Error as error:
        reason = f"MariaDB at {server.host}:{server.port} is unreachable: {error.args[-1]}"
        if os.environ.get("DATAGEN_REQUIRE_MARIADB") == "1":
            pytest.fail(f"{reason} (DATAGEN_REQUIRE_MARIADB=1 requires it)")
        pytest.skip(reason)
    return server
