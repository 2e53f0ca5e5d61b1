"""The operational database interface shared by MariaDB and the embedded DuckDB file.

Both backends hold the classic `sucos_vendas` tables of `datagen_platform.schema`, load whole
dimensions and whole sales days atomically, and read back Arrow tables with exactly the canonical
schema, so that assets never need to know which one they talk to.
"""

import bisect
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc

from datagen_platform.config import Settings
from datagen_platform.schema import DIMENSIONS, FACTS, ITENS, NOTAS, TABLES, Column, Table

NUMERO_TYPES = ("int", "bigint")
# The (invoices, items) blocks of one sales day.
Blocks = Iterable[tuple[pa.Table, pa.Table]]
# The column a ranged read of a fact table adds, naming each row's sales day.
SALES_DAY = "sales_day"
# About how many rows of small days one transaction gathers (see `group_days`).
GROUP_ROWS = 200_000
# About how many rows one ranged read brings into memory before it is split into days.
ROWS_PER_READ = 500_000
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class LoadResult:
    """What a load wrote: rows per table (0 when nothing had to change) and how long it took."""

    rows: dict[str, int]
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return sum(self.rows.values()) / self.seconds if self.seconds > 0 else 0.0


class OperationalDatabaseResource(dg.ConfigurableResource):
    """The source system the platform fills: five tables, loaded per dimension and per day.

    Subclasses are `MariaDBResource` and `EmbeddedDuckDBResource`; assets ask for this base type
    so that either one can be configured. Every call opens its own short-lived connection.
    """

    def ensure_schema(self, numero_type: str = "int") -> None:
        """Create the database and any missing table; raise `SchemaMismatchError` if one differs."""
        raise NotImplementedError

    def load_dimension(self, table: str, data: pa.Table) -> LoadResult:
        """Make `table` hold exactly `data`, in one transaction; identical content is a no-op."""
        raise NotImplementedError

    def replace_day(self, day: date, blocks: Iterable[tuple[pa.Table, pa.Table]]) -> LoadResult:
        """Replace one sales day by the (invoices, items) blocks, all or nothing."""
        return next(self.replace_days([(day, blocks)]))

    def replace_days(self, days: Iterable[tuple[date, Blocks]]) -> Iterator[LoadResult]:
        """Replace each (day, blocks) in turn, each day all or nothing, yielding one result per
        day."""
        raise NotImplementedError

    def _dimension_rows(self, table: str, data: pa.Table) -> tuple[Table, pa.Table, bool]:
        """The dimension's schema, `data` in canonical types and key order, and whether the table
        already holds exactly those rows (then a load has nothing to do)."""
        dimension = table_named(table, kinds=DIMENSIONS)
        rows = conform(dimension, data, "int").sort_by(dimension.primary_key[0])
        check_unique_key(dimension, rows)
        return dimension, rows, self.read_table(table).equals(rows)

    def read_table(self, table: str, day: date | None = None) -> pa.Table:
        """A whole table, or one day of a fact table, in primary key order."""
        raise NotImplementedError

    def read_days(self, table: str, first: date, last: date) -> Iterator[tuple[date, pa.Table]]:
        """Every day from `first` to `last` with its rows of a fact table, empty days included.

        Several days are read per query (about `ROWS_PER_READ` rows), because a query per day
        costs more than the rows of a small day.
        """
        for low, high, rows in self.read_windows(table, first, last):
            yield from split_days(rows, low, high)

    def read_windows(
        self, table: str, first: date, last: date
    ) -> Iterator[tuple[date, date, pa.Table]]:
        """The rows of a fact table from `first` to `last` in windows of consecutive days of
        about `ROWS_PER_READ` rows: (first day, last day, rows ordered by `SALES_DAY` and key,
        with a last column `SALES_DAY`)."""
        spec = table_named(table, kinds=FACTS)
        counts = self.day_counts(first, last)
        for low, high in _read_windows(first, last, counts):
            yield low, high, self._read(spec, low, high, with_day=True)

    def day_counts(self, first: date, last: date) -> dict[date, tuple[int, int]]:
        """(invoices, items) per day between `first` and `last`, for days that have invoices."""
        raise NotImplementedError

    def _read(self, spec: Table, first: date | None, last: date | None, with_day: bool):
        """`spec`'s rows (of the sales days `first` to `last` for a fact table) as Arrow, plus a
        `SALES_DAY` column when `with_day`."""
        raise NotImplementedError

    def describe(self) -> str:
        """Where the data lives, for logs and metadata; never includes a password."""
        raise NotImplementedError


def operational_database(settings: Settings) -> OperationalDatabaseResource:
    """MariaDB when `settings.mariadb` is configured, else the embedded DuckDB file."""
    # Imported here because both backend modules import this one for the base class.
    from datagen_platform.resources.embedded import EmbeddedDuckDBResource
    from datagen_platform.resources.mariadb import MariaDBResource

    if settings.mariadb is not None:
        m = settings.mariadb
        password: str | dg.EnvVar = m.password
        if m.password and os.environ.get("MARIADB_PASSWORD") == m.password:
            # The UI shows a resource's literal config; an EnvVar shows only the variable's name
            # and is resolved when a run starts.
            password = dg.EnvVar("MARIADB_PASSWORD")
        return MariaDBResource(
            host=m.host,
            port=m.port,
            user=m.user,
            password=password,
            database=m.database,
            ssl=m.ssl,
        )
    settings.embedded_path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedDuckDBResource(path=str(settings.embedded_path))


# Helpers shared by the two backends.


def _read_windows(
    first: date, last: date, counts: dict[date, tuple[int, int]]
) -> Iterator[tuple[date, date]]:
    # Windows depend on both tables' counts, so reads of invoices and of items line up.
    low, rows, day = first, 0, first
    while day <= last:
        rows += sum(counts.get(day, (0, 0)))
        if rows >= ROWS_PER_READ or day == last:
            yield low, day
            low, rows = day + timedelta(days=1), 0
        day += timedelta(days=1)


def split_days(rows: pa.Table, first: date, last: date) -> Iterator[tuple[date, pa.Table]]:
    """Rows ordered by `SALES_DAY`, cut into one table per day from `first` to `last` (empty
    days included), without that column."""
    days = rows.column(SALES_DAY).to_pylist()
    data = rows.drop_columns([SALES_DAY])
    start, day = 0, first
    while day <= last:
        end = bisect.bisect_right(days, day, lo=start)
        yield day, data.slice(start, end - start)
        start, day = end, day + timedelta(days=1)


def table_named(name: str, *, kinds: tuple[Table, ...] = (*DIMENSIONS, *FACTS)) -> Table:
    """The schema of `name`, which must be one of `kinds`; a clear ValueError otherwise."""
    allowed = {table.name: table for table in kinds}
    if name in allowed:
        return allowed[name]
    expected = ", ".join(allowed)
    if name in TABLES:
        raise ValueError(f"{name} cannot be used here; expected one of: {expected}")
    raise ValueError(f"unknown table {name!r}; expected one of: {expected}")


def day_filter(spec: Table, day: date | None) -> str | None:
    """How a read of `spec` narrows to one sales day: "invoice", "item" or None for all rows."""
    if day is None:
        return None
    if spec is NOTAS:
        return "invoice"
    if spec is ITENS:
        return "item"
    raise ValueError(
        f"{spec.name} has no sales day; pass day only for {NOTAS.name} or {ITENS.name}"
    )


def check_numero_type(numero_type: str) -> str:
    if numero_type not in NUMERO_TYPES:
        raise ValueError(f"numero_type={numero_type!r} is not supported; use 'int' or 'bigint'")
    return numero_type


def conform(table: Table, data: pa.Table, numero_type: str) -> pa.Table:
    """`data` with exactly the columns and Arrow types of `table` (NUMERO per `numero_type`).

    Integer narrowing is checked, so an invoice number too large for an INT column raises.
    """
    expected = table.arrow_schema(numero_type)
    missing = [name for name in expected.names if name not in data.column_names]
    extra = [name for name in data.column_names if name not in expected.names]
    if missing or extra:
        raise ValueError(
            f"rows for {table.name} do not match its columns: missing {missing}, unexpected {extra}"
        )
    conformed = data.select(expected.names).cast(expected)
    _check_lengths(table, conformed)
    return conformed


def _check_lengths(table: Table, data: pa.Table) -> None:
    # MariaDB would cut a long text with only a warning and DuckDB would keep it whole: refusing
    # it here keeps both backends equal and strict.
    for column in table.columns:
        if not column.sql_type.startswith("varchar("):
            continue
        limit = int(column.sql_type[len("varchar(") : -1])
        too_long = pc.filter(
            data[column.name], pc.greater(pc.utf8_length(data[column.name]), limit)
        )
        if len(too_long):
            raise ValueError(
                f"rows for {table.name} have {column.name} values longer than {limit} "
                f"characters, e.g. {too_long[0].as_py()!r}"
            )


def check_unique_key(table: Table, data: pa.Table) -> None:
    """Raise ValueError naming a repeated primary key value of a single-column key table."""
    (key,) = table.primary_key
    counts = pc.value_counts(data[key])
    repeated = counts.filter(pc.greater(counts.field("counts"), 1))
    if len(repeated):
        sample = repeated.field("values")[:3].to_pylist()
        raise ValueError(f"rows for {table.name} repeat the primary key {key}: {sample}")


def conform_block(
    days: "DayGroup", index: int, block: tuple[pa.Table, pa.Table], numero_type: str
) -> tuple[pa.Table, pa.Table]:
    """One (invoices, items) block in canonical types, checked to belong to the group's days.

    Every invoice must be dated within the group, and every item must belong to an invoice of the
    same block: that is what lets days be deleted and rewritten on their own.
    """
    notas, itens = (conform(t, data, numero_type) for t, data in zip(FACTS, block, strict=True))
    dates = notas["DATA_VENDA"]
    inside = pc.and_(
        pc.greater_equal(dates, pa.scalar(days.first)), pc.less_equal(dates, pa.scalar(days.last))
    )
    wrong = pc.filter(dates, pc.invert(pc.fill_null(inside, False)))
    if len(wrong):
        sample = sorted({str(d) for d in wrong.to_pylist()})[:3]
        raise ValueError(
            f"block {index} for {days.label} holds invoices dated {', '.join(sample)}: "
            f"replace_day only writes invoices of the day it replaces"
        )
    strays = pc.filter(itens["NUMERO"], pc.invert(pc.is_in(itens["NUMERO"], notas["NUMERO"])))
    if len(strays):
        raise ValueError(
            f"block {index} for {days.label} holds items of invoices that are not in the block: "
            f"NUMERO {strays[:3].to_pylist()}"
        )
    return notas, itens


@dataclass(frozen=True)
class DayGroup:
    """Consecutive sales days replaced in one transaction, with the blocks of all of them.

    `day_rows` gives each gathered day's rows per table, counted as they load; a day whose first
    block is large is a group of its own, with `day_rows` None.
    """

    first: date
    last: date
    blocks: Iterable[tuple[pa.Table, pa.Table]]
    day_rows: dict[date, dict[str, int]] | None = None

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"

    def results(self, rows: dict[str, int], seconds: float) -> Iterator[LoadResult]:
        """One result per day; a gathered group's time is shared in proportion to the rows."""
        if self.day_rows is None:
            yield LoadResult(rows, seconds)
            return
        total = sum(rows.values()) or 1
        for day_rows in self.day_rows.values():
            yield LoadResult(day_rows, seconds * sum(day_rows.values()) / total)


def group_days(days: Iterable[tuple[date, Blocks]]) -> Iterator[DayGroup]:
    """Gather runs of small consecutive days into groups of about `GROUP_ROWS` rows.

    A transaction per small day costs more than its rows (a commit, statements, files); one per
    group keeps each day all-or-nothing, since every day of a group is replaced or none is. Only
    a day's first block is read ahead to size it; the rest stream while the group loads.
    """
    pending: list[tuple[date, Iterator[tuple[pa.Table, pa.Table]]]] = []
    pending_rows = 0
    for day, blocks in days:
        try:
            iterator = iter(blocks)
            head = list(itertools.islice(iterator, 1))
        except Exception:
            # The days gathered so far are fine: replace them before reporting this one's error.
            if pending:
                yield _gathered(pending)
            raise
        rows = sum(len(notas) + len(itens) for notas, itens in head)
        alone = rows >= GROUP_ROWS
        contiguous = not pending or day == pending[-1][0] + timedelta(days=1)
        if pending and (alone or not contiguous or pending_rows + rows > GROUP_ROWS):
            yield _gathered(pending)
            pending, pending_rows = [], 0
        if alone:
            yield DayGroup(day, day, itertools.chain(head, iterator))
        else:
            pending.append((day, itertools.chain(head, iterator)))
            pending_rows += rows
    if pending:
        yield _gathered(pending)


def _gathered(days: list[tuple[date, Iterator[tuple[pa.Table, pa.Table]]]]) -> DayGroup:
    counts = {day: {NOTAS.name: 0, ITENS.name: 0} for day, _ in days}
    blocks = itertools.chain.from_iterable(_counted(counts[day], it) for day, it in days)
    return DayGroup(days[0][0], days[-1][0], blocks, counts)


def _counted(
    counts: dict[str, int], blocks: Iterator[tuple[pa.Table, pa.Table]]
) -> Iterator[tuple[pa.Table, pa.Table]]:
    # A gathered day's rows are counted as its blocks stream into the load.
    for notas, itens in blocks:
        counts[NOTAS.name] += len(notas)
        counts[ITENS.name] += len(itens)
        yield notas, itens


def prepared_in_background(items: Iterable[T], prepare: Callable[[int, T], R]) -> Iterator[R]:
    """Yield `prepare(index, item)` for each item, preparing the next one on a worker thread.

    While the caller loads block n, the worker pulls block n + 1 from `items` (which may be
    generating it) and prepares it, so generation, validation and file writing overlap with the
    database's work. At most two blocks are alive at a time. An exception raised by `items` or
    `prepare` surfaces in the caller at the block it concerns.
    """
    iterator = iter(items)
    counter = itertools.count()

    def next_prepared() -> tuple[bool, R | None]:
        item = next(iterator, _END)
        if item is _END:
            return False, None
        return True, prepare(next(counter), item)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="datagen-prepare") as pool:
        pending = pool.submit(next_prepared)
        while True:
            more, prepared = pending.result()
            if not more:
                return
            pending = pool.submit(next_prepared)
            yield prepared


_END = object()


@dataclass(frozen=True)
class TableShape:
    """A table as a database reports it, in the vocabulary of one backend's type names."""

    columns: dict[str, tuple[str, bool]]
    primary_key: tuple[str, ...]
    foreign_keys: frozenset[tuple[tuple[str, ...], str, tuple[str, ...]]]


def expected_shape(
    table: Table, type_name: Callable[[Column], str], *, skip_foreign_keys: tuple[str, ...] = ()
) -> TableShape:
    """The shape `table` must have in a backend whose column types `type_name` spells."""
    return TableShape(
        columns={c.name: (type_name(c), c.nullable) for c in table.columns},
        primary_key=table.primary_key,
        foreign_keys=frozenset(
            (fk.columns, fk.table, fk.ref_columns)
            for fk in table.foreign_keys
            if fk.table not in skip_foreign_keys
        ),
    )


def shape_differences(expected: TableShape, found: TableShape) -> list[str]:
    """Human-readable differences between the expected and the found shape; empty if equal."""
    differences = []
    for name, (sql_type, nullable) in expected.columns.items():
        if name not in found.columns:
            differences.append(f"column {name} is missing")
            continue
        found_type, found_nullable = found.columns[name]
        if found_type != sql_type:
            differences.append(f"column {name} is {found_type}, expected {sql_type}")
        if found_nullable != nullable:
            want = "nullable" if nullable else "NOT NULL"
            have = "nullable" if found_nullable else "NOT NULL"
            differences.append(f"column {name} is {have}, expected {want}")
    differences += [f"unexpected column {n}" for n in found.columns if n not in expected.columns]
    if found.primary_key != expected.primary_key:
        differences.append(
            f"primary key is ({', '.join(found.primary_key)}), "
            f"expected ({', '.join(expected.primary_key)})"
        )
    for fk in sorted(expected.foreign_keys - found.foreign_keys):
        differences.append(f"foreign key {_describe_fk(fk)} is missing")
    for fk in sorted(found.foreign_keys - expected.foreign_keys):
        differences.append(f"unexpected foreign key {_describe_fk(fk)}")
    return differences


def _describe_fk(fk: tuple[tuple[str, ...], str, tuple[str, ...]]) -> str:
    columns, table, ref_columns = fk
    return f"({', '.join(columns)}) -> {table} ({', '.join(ref_columns)})"


def referencing_facts(dimension: Table) -> list[tuple[Table, str, str]]:
    """(fact table, its column, the dimension's key) for every foreign key into `dimension`."""
    return [
        (fact, fk.columns[0], fk.ref_columns[0])
        for fact in FACTS
        for fk in fact.foreign_keys
        if fk.table == dimension.name
    ]


def orphan_message(dimension: Table, fact: Table, keys: list[object], where: str) -> str:
    """The error text for a dimension load that would remove keys invoices still reference."""
    return (
        f"cannot replace {dimension.name} in {where}: {fact.name} still references "
        f"{dimension.primary_key[0]} {', '.join(map(str, keys))}, which the new rows do not "
        f"contain. The database holds invoices of another scenario (seed or profile); use "
        f"another database or clear this one first."
    )
