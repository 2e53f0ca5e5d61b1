"""The DuckDB warehouse file that holds the KPI tables."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster_duckdb import DuckDBResource


class WarehouseResource(DuckDBResource):
    """Dagster's DuckDB resource on the warehouse file, creating the file's folder on first use.

    Args:
        database: the DuckDB file (`DATAGEN_WAREHOUSE`), or `:memory:`.
    """

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.database and not self.database.startswith(":memory:"):
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with super().get_connection() as connection:
            yield connection
