"""datagen platform: a synthetic juice-sales database, a Parquet lake and KPIs, on Dagster."""

__version__ = "0.1.0"
