"""The silver layer: each operational table read back, typed, cleaned and landed as Parquet."""

from collections.abc import Iterator
from datetime import date

import dagster as dg
import duckdb
import pyarrow as pa

from datagen_platform import schema
from datagen_platform.resources.datalake import DatalakeResource, WrittenFile
from datagen_platform.resources.operational import (
    SALES_DAY,
    OperationalDatabaseResource,
    split_days,
)
from datagen_platform.sqlfiles import render_sql

GROUP = "silver"
KINDS = {"parquet", "duckdb"}
ITENS = schema.ITENS.name
# The operational tables each silver fact table is built from.
_SOURCES = {"notas_fiscais": ("notas_fiscais", ITENS), ITENS: (ITENS,)}

# Columns silver adds for what downstream needs, beyond the cleaned source columns.
_DERIVED = {
    "notas_fiscais": (
        pa.field("ANO", pa.int16()),
        pa.field("MES", pa.int16()),
        # Totals of the invoice's items: invoice-grain KPIs then need no join with the items.
        pa.field("ITENS", pa.int32(), nullable=False),
        pa.field("LITROS", pa.int64(), nullable=False),
        pa.field("VALOR_TOTAL", pa.float64(), nullable=False),
    ),
    "itens_notas_fiscais": (pa.field("VALOR_TOTAL", pa.float64(), nullable=False),),
}

DESCRIPTIONS = {
    "tabela_de_clientes": "Silver snapshot of the customers, one row per CPF, typed and trimmed.",
    "tabela_de_vendedores": "Silver snapshot of the sellers, one row per MATRICULA, typed and "
    "trimmed.",
    "tabela_de_produtos": "Silver snapshot of the products, one row per product code, typed and "
    "trimmed.",
    "notas_fiscais": "Silver invoices, one Parquet partition per sales day, one row per NUMERO, "
    "with the sale's year (ANO) and month (MES) and the totals of its items (ITENS, LITROS, "
    "VALOR_TOTAL).",
    "itens_notas_fiscais": "Silver invoice items, one Parquet partition per sales day of their "
    "invoice, one row per invoice and product, with VALOR_TOTAL = QUANTIDADE * PRECO.",
}


def silver_key(table: str) -> dg.AssetKey:
    """The asset key of a silver table, e.g. `silver/sucos_vendas/notas_fiscais`."""
    return dg.AssetKey(["silver", schema.DATABASE, table])


def silver_schema(table: str, numero_type: str = "int") -> pa.Schema:
    """The Arrow schema of a silver table: the source schema with single-precision floats as
    doubles, plus the derived columns."""
    fields = [
        field.with_type(pa.float64()) if field.type == pa.float32() else field
        for field in schema.TABLES[table].arrow_schema(numero_type)
    ]
    return pa.schema([*fields, *_DERIVED.get(table, ())])


def accepted_schemas(table: str) -> list[pa.Schema]:
    """Every schema a silver file of `table` may have (NUMERO is int or, for large profiles,
    bigint)."""
    return [silver_schema(table, "int"), silver_schema(table, "bigint")]


def to_silver(
    table: str,
    source: pa.Table,
    items: pa.Table | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pa.Table:
    """Clean one source table (or one day of it) with its `sql/silver/<table>.sql` transform.

    Invoices also need `items`, the same day's silver items, to carry their totals. Passing an
    open in-memory `con` saves opening one per call, which costs more than a day's transform.
    """
    if table == "notas_fiscais" and items is None:
        raise ValueError("silver invoices need the silver items of the same day")
    if con is None:
        with duckdb.connect() as own:
            return to_silver(table, source, items, own)
    numero_type = "int"
    if "NUMERO" in source.column_names and source.schema.field("NUMERO").type == pa.int64():
        numero_type = "bigint"
    views = {"source": source} if items is None else {"source": source, "items": items}
    with_day = SALES_DAY in source.column_names
    for name, data in views.items():
        con.register(name, data)
    try:
        sql = render_sql(f"silver/{table}.sql", with_day=with_day)
        result = con.sql(sql).to_arrow_table()
    finally:
        for name in views:
            con.unregister(name)
    target = silver_schema(table, numero_type)
    if with_day:
        target = target.append(pa.field(SALES_DAY, pa.date32()))
    return result.cast(target)


def read_silver_days(
    operational_db: OperationalDatabaseResource,
    table: str,
    first: date,
    last: date,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Iterator[tuple[date, pa.Table]]:
    """Each day from `first` to `last` of a fact table, cleaned for silver.

    Days are read and cleaned a window of several days at a time, then cut per day: one query
    and one transform per day would cost far more than a small day's rows.
    """
    items = operational_db.read_windows(ITENS, first, last)
    if table == ITENS:
        for low, high, rows in items:
            yield from split_days(to_silver(ITENS, rows, con=con), low, high)
        return
    invoices = operational_db.read_windows(table, first, last)
    for (low, high, item_rows), (_, _, invoice_rows) in zip(items, invoices, strict=True):
        silver_items = to_silver(ITENS, item_rows, con=con)
        yield from split_days(to_silver(table, invoice_rows, silver_items, con), low, high)


def column_schema(arrow_schema: pa.Schema) -> dg.TableSchema:
    """The `dagster/column_schema` metadata of an Arrow schema."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                field.name,
                str(field.type),
                constraints=dg.TableColumnConstraints(nullable=field.nullable),
            )
            for field in arrow_schema
        ]
    )


def _file_metadata(written: WrittenFile, table: pa.Table) -> dict[str, object]:
    return {
        "dagster/row_count": written.rows,
        "path": dg.MetadataValue.path(written.uri),
        "bytes_written": written.bytes,
        "dagster/column_schema": column_schema(table.schema),
    }


def build_dimension_asset(table: schema.Table) -> dg.AssetsDefinition:
    """The silver snapshot of a static dimension table."""

    @dg.asset(
        key=silver_key(table.name),
        deps=[dg.AssetKey([schema.DATABASE, table.name])],
        group_name=GROUP,
        kinds=KINDS,
        description=DESCRIPTIONS[table.name],
        metadata={"dagster/column_schema": column_schema(silver_schema(table.name))},
    )
    def _dimension(
        context: dg.AssetExecutionContext,
        operational_db: OperationalDatabaseResource,
        lake: DatalakeResource,
    ) -> dg.MaterializeResult:
        silver = to_silver(table.name, operational_db.read_table(table.name))
        written = lake.write_silver(table.name, silver)
        context.log.info(
            f"{table.name}: {written.rows} rows, {written.bytes} bytes to {written.uri}"
        )
        return dg.MaterializeResult(metadata=_file_metadata(written, silver))

    return _dimension


def build_fact_asset(
    table: schema.Table, partitions_def: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    """The silver partitions of a fact table; a range of days is one run, a file per day."""

    @dg.asset(
        key=silver_key(table.name),
        deps=[dg.AssetKey([schema.DATABASE, name]) for name in _SOURCES[table.name]],
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name=GROUP,
        kinds=KINDS,
        description=DESCRIPTIONS[table.name],
        metadata={"dagster/column_schema": column_schema(silver_schema(table.name))},
    )
    def _fact(
        context: dg.AssetExecutionContext,
        operational_db: OperationalDatabaseResource,
        lake: DatalakeResource,
    ) -> None:
        rows = written_bytes = 0
        first, last = (date.fromisoformat(key) for key in context.partition_key_range)
        with duckdb.connect() as con:
            for day, silver in read_silver_days(operational_db, table.name, first, last, con):
                written = lake.write_silver(table.name, silver, day)
                context.add_asset_metadata(
                    _file_metadata(written, silver), partition_key=day.isoformat()
                )
                rows, written_bytes = rows + written.rows, written_bytes + written.bytes

        keys = context.partition_keys
        context.log.info(
            f"{table.name}: {len(keys)} days ({keys[0]} to {keys[-1]}), {rows} rows, "
            f"{written_bytes} bytes under {lake.uri(lake.silver_dir(table.name))}"
        )

    return _fact


def build_silver_assets(partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    """One silver asset per `sucos_vendas` table; facts share `partitions_def` with their
    source."""
    return [
        *(build_dimension_asset(table) for table in schema.DIMENSIONS),
        *(build_fact_asset(table, partitions_def) for table in schema.FACTS),
    ]
