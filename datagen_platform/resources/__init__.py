"""Dagster resources: the operational database (MariaDB or embedded DuckDB) and its helpers."""

from datagen_platform.resources.embedded import EmbeddedDuckDBResource
from datagen_platform.resources.mariadb import MariaDBResource
from datagen_platform.resources.operational import (
    LoadResult,
    OperationalDatabaseResource,
    operational_database,
)

__all__ = [
    "EmbeddedDuckDBResource",
    "LoadResult",
    "MariaDBResource",
    "OperationalDatabaseResource",
    "operational_database",
]
