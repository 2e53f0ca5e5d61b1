"""MariaDB as the operational database, bulk-loaded through `LOAD DATA LOCAL INFILE`.

Rows travel as CSV files that pyarrow writes from Arrow tables; the server parses them far faster
than it executes INSERT statements. A file for the next block is written on a worker thread while
the server loads the current one.
"""

import contextlib
import functools
import logging
import re
import ssl
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pymysql
from pymysql.connections import Connection
from pymysql.cursors import Cursor, SSCursor

from datagen_platform.config import SSL_MODES
from datagen_platform.errors import (
    ConfigError,
    DatabaseUnreachableError,
    DataIntegrityError,
    LocalInfileDisabledError,
    SchemaMismatchError,
    TransientDatabaseError,
)
from datagen_platform.resources.operational import (
    SALES_DAY,
    Blocks,
    DayGroup,
    LoadResult,
    OperationalDatabaseResource,
    TableShape,
    check_numero_type,
    conform_block,
    day_filter,
    expected_shape,
    group_days,
    orphan_message,
    prepared_in_background,
    referencing_facts,
    shape_differences,
    table_named,
)
from datagen_platform.schema import FACTS, ITENS, NOTAS, TABLES, Column, Table
from datagen_platform.sqlfiles import render_sql, split_statements

log = logging.getLogger(__name__)

# pymysql error codes that mean "no usable server at this address with these credentials".
_UNREACHABLE = {1044, 1045, 2002, 2003, 2005, 2006, 2013}
# Lock wait timeout, deadlock, server gone away, lost connection: the same statement may work on
# another attempt, so these become TransientDatabaseError and runs retry them.
_TRANSIENT = {1205, 1213, 2006, 2013}
_UNKNOWN_DATABASE = 1049
_UNKNOWN_TABLE = 1146
# ER_NOT_ALLOWED_COMMAND and ER_LOAD_INFILE_CAPABILITY_DISABLED: the server refuses LOCAL INFILE.
_LOCAL_INFILE_REFUSED = {1148, 3948, 4166}
_FETCH_ROWS = 50_000
_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, null_string="NULL", batch_size=16_384)


class MariaDBResource(OperationalDatabaseResource):
    """The operational database on a MariaDB server (needs `local_infile` enabled there).

    Args:
        host: server host name or address (`MARIADB_HOST`).
        port: server port (`MARIADB_PORT`).
        user: account name (`MARIADB_USER`).
        password: account password (`MARIADB_PASSWORD`); never logged or shown by `describe`.
        database: the database holding the five tables, created if missing (`MARIADB_DATABASE`).
        ssl: `disabled`, `preferred` or `required` (`MARIADB_SSL`), as the MariaDB client's
            `--ssl-mode` says.
    """

    host: str
    port: int = 3306
    user: str = "root"
    password: str = ""
    database: str = "sucos_vendas"
    ssl: str = "disabled"

    def describe(self) -> str:
        return f"MariaDB {self.user}@{self.host}:{self.port}/{self.database}"

    def ensure_schema(self, numero_type: str = "int") -> None:
        check_numero_type(numero_type)
        with self._connection(database=False) as conn, conn.cursor() as cur:
            cur.execute(render_sql("mariadb/create_database.sql", database=self._database_name()))
            conn.select_db(self.database)
            # Tables that already exist are checked first: the DDL of the others could fail on
            # them with a far less helpful message.
            self._verify_schema(cur, numero_type, existing_only=True)
            for statement in split_statements(
                render_sql("mariadb/schema.sql", numero_type=numero_type.upper())
            ):
                cur.execute(statement)
            self._verify_schema(cur, numero_type)
        log.info("schema of %s verified (NUMERO %s)", self.describe(), numero_type)

    def load_dimension(self, table: str, data: pa.Table) -> LoadResult:
        start = time.perf_counter()
        dimension, rows, unchanged = self._dimension_rows(table, data)
        if unchanged:
            return LoadResult({table: 0}, time.perf_counter() - start)

        with (
            self._session() as conn,
            conn.cursor() as cur,
            self._transaction(conn),
            tempfile.TemporaryDirectory(prefix="datagen-") as tmp,
        ):
            self._check_local_infile(cur)
            stage = f"stage_{table}"
            cur.execute(render_sql("mariadb/stage_dimension.sql", stage=stage, table=table))
            path = _write_csv(rows, Path(tmp) / f"{table}.csv")
            self._load_csv(cur, dimension, path, len(rows), into=stage)
            self._refuse_orphans(cur, dimension, stage)
            merge = render_sql(
                "mariadb/merge_dimension.sql",
                table=table,
                stage=stage,
                key=dimension.primary_key[0],
                columns=dimension.column_names,
            )
            for statement in split_statements(merge):
                cur.execute(statement)
        return LoadResult({table: len(rows)}, time.perf_counter() - start)

    def replace_days(self, days: Iterable[tuple[date, Blocks]]) -> Iterator[LoadResult]:
        # Connecting and asking the server about local_infile cost more than a small day: every
        # group of days shares one connection, each group in its own transaction.
        with self._session() as conn, conn.cursor() as cur:
            self._check_local_infile(cur)
            numero_type = self._numero_type(cur)
            for group in group_days(days):
                yield from self._replace_on(conn, cur, numero_type, group)

    def _replace_on(
        self, conn: Connection, cur: Cursor, numero_type: str, group: DayGroup
    ) -> Iterator[LoadResult]:
        start = time.perf_counter()
        with self._transaction(conn), tempfile.TemporaryDirectory(prefix="datagen-") as tmp:
            for statement in split_statements(render_sql("mariadb/delete_day.sql")):
                cur.execute(statement, {"first": group.first, "last": group.last})

            def prepare(index: int, block: tuple[pa.Table, pa.Table]) -> list[tuple[Path, int]]:
                tables = conform_block(group, index, block, numero_type)
                return [
                    (_write_csv(t, Path(tmp) / f"{index}-{spec.name}.csv"), len(t))
                    for spec, t in zip(FACTS, tables, strict=True)
                ]

            rows = self._load_files(cur, prepared_in_background(group.blocks, prepare))
        log.info("replaced %s in %s: %s", group.label, self.describe(), rows)
        yield from group.results(rows, time.perf_counter() - start)

    def read_table(self, table: str, day: date | None = None) -> pa.Table:
        return self._read(table_named(table), day, day, with_day=False)

    def _read(self, spec: Table, first: date | None, last: date | None, with_day: bool):
        sql = render_sql(
            "mariadb/read_table.sql",
            table=spec.name,
            columns=spec.columns,
            primary_key=spec.primary_key,
            day_filter=day_filter(spec, first),
            with_day=with_day,
        )
        with self._connection() as conn:
            with conn.cursor() as cur:
                schema = spec.arrow_schema(self._numero_type(cur))
            if with_day:
                schema = schema.append(pa.field(SALES_DAY, pa.date32()))
            with conn.cursor(SSCursor) as cur:
                self._execute(cur, sql, {"first": first, "last": last})
                batches = list(_record_batches(cur, schema))
        return pa.Table.from_batches(batches, schema=schema)

    def day_counts(self, first: date, last: date) -> dict[date, tuple[int, int]]:
        with self._connection() as conn, conn.cursor() as cur:
            self._execute(cur, render_sql("mariadb/day_counts.sql"), {"first": first, "last": last})
            return {day: (int(invoices), int(items)) for day, invoices, items in cur.fetchall()}

    # Connections and transactions.

    def _database_name(self) -> str:
        # The name is pasted into CREATE DATABASE, so only a plain identifier is accepted.
        if not re.fullmatch(r"[A-Za-z0-9_]+", self.database):
            raise ConfigError(
                f"MARIADB_DATABASE={self.database!r} is not allowed; "
                f"use letters, digits and underscores"
            )
        return self.database

    def _open(self, database: bool) -> Connection:
        try:
            return pymysql.connect(
                host=self.host,
                port=self.port,
                user=self.user,
                password=self.password,
                database=self._database_name() if database else None,
                local_infile=True,
                autocommit=True,
                charset="utf8mb4",
                connect_timeout=10,
                **_ssl_options(self.ssl),
            )
        except pymysql.err.OperationalError as error:
            code, cause = error.args[0], error.args[-1]
            if code == _UNKNOWN_DATABASE:
                raise SchemaMismatchError(
                    f"database {self.database} does not exist on {self.host}:{self.port}; "
                    f"create it and its tables with ensure_schema first"
                ) from None
            unreachable = TransientDatabaseError if code in _TRANSIENT else DatabaseUnreachableError
            raise unreachable(
                f"cannot connect to MariaDB at {self.host}:{self.port} as {self.user}: {cause}. "
                f"Check MARIADB_HOST, MARIADB_PORT, MARIADB_USER and MARIADB_PASSWORD."
            ) from None

    @contextlib.contextmanager
    def _connection(self, database: bool = True) -> Iterator[Connection]:
        conn = self._open(database)
        try:
            yield conn
        except pymysql.err.OperationalError as error:
            if error.args and error.args[0] in _TRANSIENT:
                raise TransientDatabaseError(
                    f"{self.describe()} interrupted the work: {error.args[-1]} "
                    f"(error {error.args[0]}); nothing of it was committed"
                ) from error
            raise
        finally:
            # A lost connection is already closed, and closing it again would raise.
            if conn.open:
                conn.close()

    @contextlib.contextmanager
    def _session(self) -> Iterator[Connection]:
        with self._connection() as conn, conn.cursor() as cur:
            # READ COMMITTED takes no gap locks on the date index, so loads of different days
            # running at the same time do not block or deadlock each other.
            cur.execute(render_sql("mariadb/read_committed.sql"))
            yield conn

    @contextlib.contextmanager
    def _transaction(self, conn: Connection) -> Iterator[None]:
        """One transaction on `conn`: committed if the block succeeds, else rolled back.

        If the process dies instead, the server rolls back when the connection drops.
        """
        conn.begin()
        try:
            yield
        except BaseException:
            with contextlib.suppress(pymysql.err.Error):
                conn.rollback()
            raise
        conn.commit()

    def _execute(self, cur: Cursor, sql: str, params: dict | None = None) -> None:
        try:
            cur.execute(sql, params)
        except pymysql.err.ProgrammingError as error:
            if error.args[0] == _UNKNOWN_TABLE:
                raise SchemaMismatchError(
                    f"{self.describe()} lacks a table: {error.args[1]}; "
                    f"create the schema with ensure_schema first"
                ) from None
            raise

    # Schema.

    def _numero_type(self, cur: Cursor) -> str:
        cur.execute(render_sql("mariadb/numero_type.sql"))
        row = cur.fetchone()
        if row is None:
            raise SchemaMismatchError(
                f"{self.describe()} has no table notas_fiscais; "
                f"create the schema with ensure_schema first"
            )
        return row[0].lower()

    def _verify_schema(self, cur: Cursor, numero_type: str, existing_only: bool = False) -> None:
        shapes = _found_shapes(cur)
        for table in TABLES.values():
            if existing_only and not shapes[table.name].columns:
                continue
            expected = expected_shape(table, lambda c: _mariadb_type(c, numero_type))
            differences = shape_differences(expected, shapes[table.name])
            if differences:
                raise SchemaMismatchError(
                    f"table {table.name} in {self.describe()} differs from the expected schema: "
                    f"{'; '.join(differences)}. The platform never alters an existing table; "
                    f"drop it or use another database."
                )

    # Loading.

    def _check_local_infile(self, cur: Cursor) -> None:
        cur.execute(render_sql("mariadb/local_infile.sql"))
        if not cur.fetchone()[0]:
            raise self._local_infile_error()

    def _local_infile_error(self) -> LocalInfileDisabledError:
        return LocalInfileDisabledError(
            f"the MariaDB server at {self.host}:{self.port} has local_infile disabled, so it "
            f"refuses LOAD DATA LOCAL INFILE, which the platform loads data with. Enable it with "
            f"`SET GLOBAL local_infile = 1` (as an administrator) or with `local_infile=1` in the "
            f"[mysqld] section of the server config."
        )

    def _load_csv(
        self, cur: Cursor, table: Table, path: Path, rows: int, into: str | None = None
    ) -> None:
        """Load one CSV file and check that every row arrived unchanged.

        With LOCAL the server cannot stop the client's upload, so it turns duplicate keys,
        foreign key failures and truncations into warnings and skips or alters rows instead of
        failing; any such warning is raised here so the transaction rolls back.
        """
        sql = render_sql("mariadb/load_csv.sql", table=into or table.name, columns=table.columns)
        try:
            cur.execute(sql, {"path": str(path)})
        except pymysql.err.Error as error:
            if error.args and error.args[0] in _LOCAL_INFILE_REFUSED:
                raise self._local_infile_error() from None
            raise
        loaded = cur.rowcount
        cur.execute(render_sql("mariadb/warnings.sql"))
        problems = list(dict.fromkeys(m for level, _, m in cur.fetchall() if level != "Note"))
        if problems or loaded != rows:
            raise DataIntegrityError(
                f"loading {table.name} into {self.describe()} wrote {loaded} of {rows} rows: "
                f"{'; '.join(problems) or 'no warning given'}. Nothing was changed."
            )

    def _load_files(
        self, cur: Cursor, files_per_block: Iterator[list[tuple[Path, int]]]
    ) -> dict[str, int]:
        """Load each block's (invoices, items) files in order; rows loaded per table."""
        rows = {NOTAS.name: 0, ITENS.name: 0}
        with contextlib.closing(files_per_block):
            for files in files_per_block:
                for spec, (path, count) in zip(FACTS, files, strict=True):
                    self._load_csv(cur, spec, path, count)
                    rows[spec.name] += count
                    path.unlink()
        return rows

    def _refuse_orphans(self, cur: Cursor, dimension: Table, stage: str) -> None:
        for fact, column, key in referencing_facts(dimension):
            sql = render_sql(
                "mariadb/dimension_orphans.sql",
                table=dimension.name,
                stage=stage,
                key=key,
                fact=fact.name,
                fact_column=column,
            )
            cur.execute(sql)
            orphans = [row[0] for row in cur.fetchall()]
            if orphans:
                raise DataIntegrityError(orphan_message(dimension, fact, orphans, self.describe()))


def _mariadb_type(column: Column, numero_type: str) -> str:
    return numero_type if column.name == "NUMERO" else column.sql_type


def _normalise_type(column_type: str) -> str:
    # MariaDB reports integer display widths ("int(11)"), which are not part of the type.
    return re.sub(r"^(tinyint|smallint|mediumint|int|bigint)\(\d+\)", r"\1", column_type.lower())


def _found_shapes(cur: Cursor) -> dict[str, TableShape]:
    cur.execute(render_sql("mariadb/columns.sql"))
    columns: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, column, column_type, nullable in cur.fetchall():
        columns.setdefault(table, {})[column] = (_normalise_type(column_type), nullable == "YES")

    cur.execute(render_sql("mariadb/keys.sql"))
    primary: dict[str, list[str]] = {}
    foreign: dict[tuple[str, str], tuple[list[str], str, list[str]]] = {}
    for table, name, kind, column, ref_table, ref_column in cur.fetchall():
        if kind == "PRIMARY KEY":
            primary.setdefault(table, []).append(column)
        else:
            entry = foreign.setdefault((table, name), ([], ref_table, []))
            entry[0].append(column)
            entry[2].append(ref_column)

    return {
        name: TableShape(
            columns=columns.get(name, {}),
            primary_key=tuple(primary.get(name, ())),
            foreign_keys=frozenset(
                (tuple(cols), ref, tuple(refs))
                for (table, _), (cols, ref, refs) in foreign.items()
                if table == name
            ),
        )
        for name in TABLES
    }


def _write_csv(table: pa.Table, path: Path) -> Path:
    """Write `table` as CSV for LOAD DATA; booleans become 0/1 for the bit(1) columns."""
    columns = [
        pc.cast(column, pa.int8()) if column.type == pa.bool_() else column
        for column in table.columns
    ]
    pacsv.write_csv(pa.table(columns, names=table.column_names), path, _CSV_OPTIONS)
    return path


def _ssl_options(mode: str) -> dict[str, object]:
    if mode == "disabled":
        return {"ssl_disabled": True}
    if mode == "preferred":
        return {}  # PyMySQL's default: TLS when the server offers it
    if mode == "required":
        # Loading the system's certificates takes tens of milliseconds: one context serves all.
        return {"ssl": _tls_context()}
    raise ConfigError(f"MARIADB_SSL={mode!r} is not allowed; expected {', '.join(SSL_MODES)}")


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _record_batches(cur: SSCursor, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Arrow batches from a streaming cursor, so a large day never sits in Python tuples whole."""
    while rows := cur.fetchmany(_FETCH_ROWS):
        columns = list(zip(*rows, strict=True))
        arrays = [
            _to_arrow(values, field.type) for values, field in zip(columns, schema, strict=True)
        ]
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def _to_arrow(values: tuple, arrow_type: pa.DataType) -> pa.Array:
    if arrow_type == pa.float32():
        # The server sent the exact double of each float32, so this cast loses nothing.
        return pa.array(values, pa.float64()).cast(pa.float32())
    if arrow_type == pa.bool_():
        return pa.array(values, pa.uint8()).cast(pa.bool_())
    return pa.array(values, arrow_type)
