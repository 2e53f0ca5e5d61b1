"""Throwaway MariaDB databases for the benchmarks, on the server the usual variables name."""

import contextlib
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pymysql

from datagen_platform import schema
from datagen_platform.generation import Scenario, generate_dimension
from datagen_platform.resources.mariadb import MariaDBResource


@dataclass(frozen=True)
class Server:
    """A MariaDB server and account (`MARIADB_HOST`, `_PORT`, `_USER`, `_PASSWORD`)."""

    host: str = "127.0.0.1"
    port: int = 3306
    user: str = "root"
    password: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Server":
        env = os.environ if env is None else env
        return cls(
            host=env.get("MARIADB_HOST") or cls.host,
            port=int(env.get("MARIADB_PORT") or cls.port),
            user=env.get("MARIADB_USER") or cls.user,
            password=env.get("MARIADB_PASSWORD", ""),
        )

    def connect(self, database: str | None = None) -> pymysql.Connection:
        """A plain autocommit connection that may send local files."""
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=database,
            autocommit=True,
            local_infile=True,
            charset="utf8mb4",
            connect_timeout=10,
        )

    def version(self) -> str:
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            return cur.fetchone()[0]

    def resource(self, database: str) -> MariaDBResource:
        return MariaDBResource(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=database,
        )


def throwaway_name(prefix: str = "datagen_bench") -> str:
    """A fresh database name that no other run uses."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@contextlib.contextmanager
def throwaway_database(server: Server, numero_type: str = "int") -> Iterator[MariaDBResource]:
    """A new database with the platform's five tables, dropped when the block ends."""
    db = server.resource(throwaway_name())
    try:
        db.ensure_schema(numero_type)
        yield db
    finally:
        drop_database(server, db.database)


def drop_database(server: Server, name: str) -> None:
    with contextlib.closing(server.connect()) as conn, conn.cursor() as cur:
        # The name comes from `throwaway_name`, never from outside.
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


def load_dimensions(db: MariaDBResource, scenario: Scenario) -> int:
    """Load the scenario's three dimensions; returns the rows loaded."""
    rows = 0
    for table in schema.DIMENSIONS:
        rows += db.load_dimension(table.name, generate_dimension(scenario, table.name)).rows[
            table.name
        ]
    return rows


def empty_facts(server: Server, database: str) -> None:
    """Empty both fact tables; the foreign keys stay defined for the next load."""
    with contextlib.closing(server.connect(database)) as conn, conn.cursor() as cur:
        # TRUNCATE is refused on a table a foreign key points at unless this session skips the
        # checks; nothing is inserted in this session, so nothing escapes them.
        cur.execute("SET SESSION foreign_key_checks = 0")
        cur.execute(f"TRUNCATE TABLE {schema.ITENS.name}")
        cur.execute(f"TRUNCATE TABLE {schema.NOTAS.name}")


def fact_rows(server: Server, database: str) -> int:
    """Invoices plus items currently in the database."""
    with contextlib.closing(server.connect(database)) as conn, conn.cursor() as cur:
        total = 0
        for table in (schema.NOTAS.name, schema.ITENS.name):
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            total += cur.fetchone()[0]
        return total
