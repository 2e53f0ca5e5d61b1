"""An embedded DuckDB file as the operational database, for runs without a MariaDB server.

Arrow tables are inserted directly, without an intermediate file. DuckDB locks a database file
per process, so a step that finds the file held by another step process waits and retries.
"""

import contextlib
import logging
import time
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from datagen_platform.errors import (
    DataIntegrityError,
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

_DUCKDB_TYPES = {
    "date": "DATE",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "bit(1)": "BOOLEAN",
}
_FIRST_RETRY_SECONDS = 0.05
_LONGEST_RETRY_SECONDS = 2.0


class EmbeddedDuckDBResource(OperationalDatabaseResource):
    """The operational database in a local DuckDB file (`DATAGEN_EMBEDDED_PATH`).

    Args:
        path: the DuckDB database file; its folder must exist (`operational_database` creates it).
        lock_timeout_seconds: how long to keep retrying while another process holds the file.
    """

    path: str
    lock_timeout_seconds: float = 60.0

    def describe(self) -> str:
        return f"embedded DuckDB {self.path}"

    def ensure_schema(self, numero_type: str = "int") -> None:
        check_numero_type(numero_type)
        schema = render_sql("duckdb/schema.sql", numero_type=numero_type.upper())
        with self._connection() as con:
            # Tables that already exist are checked first: the DDL of the others could fail on
            # them with a far less helpful message.
            self._verify_schema(con, numero_type, existing_only=True)
            for statement in split_statements(schema):
                con.execute(statement)
            self._verify_schema(con, numero_type)
        log.info("schema of %s verified (NUMERO %s)", self.describe(), numero_type)

    def load_dimension(self, table: str, data: pa.Table) -> LoadResult:
        start = time.perf_counter()
        dimension, rows, unchanged = self._dimension_rows(table, data)
        if unchanged:
            return LoadResult({table: 0}, time.perf_counter() - start)

        stage = f"stage_{table}"
        with self._connection() as con, self._transaction(con):
            con.register(stage, rows)
            self._refuse_orphans(con, dimension, stage)
            merge = render_sql(
                "duckdb/merge_dimension.sql",
                table=table,
                stage=stage,
                key=dimension.primary_key[0],
                columns=dimension.column_names,
            )
            for statement in split_statements(merge):
                con.execute(statement)
            con.unregister(stage)
        return LoadResult({table: len(rows)}, time.perf_counter() - start)

    def replace_days(self, days: Iterable[tuple[date, Blocks]]) -> Iterator[LoadResult]:
        # Opening the file costs more than a small day: every group of days shares one
        # connection, each group in its own transaction.
        with self._connection() as con:
            numero_type = self._numero_type(con)
            for group in group_days(days):
                yield from self._replace_on(con, numero_type, group)

    def _replace_on(
        self, con: duckdb.DuckDBPyConnection, numero_type: str, group: DayGroup
    ) -> Iterator[LoadResult]:
        start = time.perf_counter()
        rows = {NOTAS.name: 0, ITENS.name: 0}
        with self._transaction(con):
            for statement in split_statements(render_sql("duckdb/delete_day.sql")):
                con.execute(statement, {"first": group.first, "last": group.last})

            def prepare(index: int, block: tuple[pa.Table, pa.Table]) -> tuple[pa.Table, ...]:
                return conform_block(group, index, block, numero_type)

            with contextlib.closing(prepared_in_background(group.blocks, prepare)) as prepared:
                for tables in prepared:
                    for spec, data in zip(FACTS, tables, strict=True):
                        self._insert(con, spec, data)
                        rows[spec.name] += len(data)
        log.info("replaced %s in %s: %s", group.label, self.describe(), rows)
        yield from group.results(rows, time.perf_counter() - start)

    def read_table(self, table: str, day: date | None = None) -> pa.Table:
        return self._read(table_named(table), day, day, with_day=False)

    def _read(self, spec: Table, first: date | None, last: date | None, with_day: bool):
        sql = render_sql(
            "duckdb/read_table.sql",
            table=spec.name,
            columns=spec.column_names,
            primary_key=spec.primary_key,
            day_filter=day_filter(spec, first),
            with_day=with_day,
        )
        params = {"first": first, "last": last} if first else None
        with self._connection(read_only=True) as con:
            schema = spec.arrow_schema(self._numero_type(con))
            data = con.sql(sql, params=params).to_arrow_table()
        if with_day:
            schema = schema.append(pa.field(SALES_DAY, pa.date32()))
        return data.cast(schema)

    def day_counts(self, first: date, last: date) -> dict[date, tuple[int, int]]:
        with self._connection(read_only=True) as con:
            self._numero_type(con)  # a clear error, rather than DuckDB's, when there is no schema
            rows = con.execute(
                render_sql("duckdb/day_counts.sql"), {"first": first, "last": last}
            ).fetchall()
        return {day: (int(invoices), int(items)) for day, invoices, items in rows}

    # Connections and transactions.

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        """Open the file, retrying with growing pauses while another process holds its lock."""
        if read_only and not Path(self.path).exists():
            raise SchemaMismatchError(
                f"{self.describe()} does not exist yet; create the schema with ensure_schema first"
            )
        deadline = time.monotonic() + self.lock_timeout_seconds
        pause = _FIRST_RETRY_SECONDS
        while True:
            try:
                return duckdb.connect(self.path, read_only=read_only)
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise
                if time.monotonic() + pause > deadline:
                    # Transient: the other process finishes, and a retry of the run then works.
                    raise TransientDatabaseError(
                        f"{self.describe()} stayed locked by another process for "
                        f"{self.lock_timeout_seconds:g} s ({error}). DuckDB lets one process "
                        f"write a file at a time: wait for the other run to finish, or run "
                        f"fewer steps at once."
                    ) from None
            time.sleep(pause)
            pause = min(pause * 2, _LONGEST_RETRY_SECONDS)

    @contextlib.contextmanager
    def _connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._open(read_only)
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """One transaction on `con`: committed if the block succeeds, else rolled back; DuckDB's
        write-ahead log discards it too if the process dies first."""
        con.begin()
        try:
            yield
        except BaseException as error:
            with contextlib.suppress(duckdb.Error):
                con.rollback()
            if isinstance(error, duckdb.TransactionException) and "conflict" in str(error).lower():
                raise TransientDatabaseError(
                    f"{self.describe()}: a concurrent transaction conflicted ({error}); "
                    f"nothing was changed"
                ) from error
            raise
        con.commit()

    # Schema and loading.

    def _numero_type(self, con: duckdb.DuckDBPyConnection) -> str:
        rows = con.execute(render_sql("duckdb/numero_type.sql")).fetchall()
        if not rows:
            raise SchemaMismatchError(
                f"{self.describe()} has no table notas_fiscais; "
                f"create the schema with ensure_schema first"
            )
        return "bigint" if rows[0][0] == "BIGINT" else "int"

    def _verify_schema(
        self, con: duckdb.DuckDBPyConnection, numero_type: str, existing_only: bool = False
    ) -> None:
        shapes = _found_shapes(con)
        for table in TABLES.values():
            if existing_only and not shapes[table.name].columns:
                continue
            expected = expected_shape(
                table,
                lambda c: _duckdb_type(c, numero_type),
                # See sql/duckdb/schema.sql for why this one foreign key is not declared.
                skip_foreign_keys=(NOTAS.name,) if table is ITENS else (),
            )
            differences = shape_differences(expected, shapes[table.name])
            if differences:
                raise SchemaMismatchError(
                    f"table {table.name} in {self.describe()} differs from the expected schema: "
                    f"{'; '.join(differences)}. The platform never alters an existing table; "
                    f"drop it or use another file."
                )

    def _insert(self, con: duckdb.DuckDBPyConnection, spec: Table, data: pa.Table) -> None:
        source = f"block_{spec.name}"
        con.register(source, data)
        sql = render_sql(
            "duckdb/insert_rows.sql", table=spec.name, columns=spec.column_names, source=source
        )
        try:
            con.execute(sql)
        except duckdb.ConstraintException as error:
            raise DataIntegrityError(
                f"rows for {spec.name} cannot be written to {self.describe()}: {error}. "
                f"Nothing was changed."
            ) from None
        # Only on success: after a failure the transaction refuses even this, and the connection
        # is about to close anyway.
        con.unregister(source)

    def _refuse_orphans(self, con: duckdb.DuckDBPyConnection, dimension: Table, stage: str):
        for fact, column, key in referencing_facts(dimension):
            sql = render_sql(
                "duckdb/dimension_orphans.sql",
                table=dimension.name,
                stage=stage,
                key=key,
                fact=fact.name,
                fact_column=column,
            )
            orphans = [row[0] for row in con.execute(sql).fetchall()]
            if orphans:
                raise DataIntegrityError(orphan_message(dimension, fact, orphans, self.describe()))


def _duckdb_type(column: Column, numero_type: str) -> str:
    sql_type = numero_type if column.name == "NUMERO" else column.sql_type
    return "VARCHAR" if sql_type.startswith("varchar") else _DUCKDB_TYPES[sql_type]


def _found_shapes(con: duckdb.DuckDBPyConnection) -> dict[str, TableShape]:
    columns: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, column, data_type, nullable in con.execute(
        render_sql("duckdb/columns.sql")
    ).fetchall():
        columns.setdefault(table, {})[column] = (data_type, bool(nullable))

    primary: dict[str, tuple[str, ...]] = {}
    foreign: dict[str, set] = {}
    for table, kind, names, ref_table, ref_names in con.execute(
        render_sql("duckdb/keys.sql")
    ).fetchall():
        if kind == "PRIMARY KEY":
            primary[table] = tuple(names)
        else:
            foreign.setdefault(table, set()).add((tuple(names), ref_table, tuple(ref_names)))

    return {
        name: TableShape(
            columns=columns.get(name, {}),
            primary_key=primary.get(name, ()),
            foreign_keys=frozenset(foreign.get(name, ())),
        )
        for name in TABLES
    }
