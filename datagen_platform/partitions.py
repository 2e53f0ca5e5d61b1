"""The daily partitions shared by the fact tables and their silver copies."""

from datetime import date

import dagster as dg

TIMEZONE = "America/Sao_Paulo"


def daily_partitions(start_date: date) -> dg.DailyPartitionsDefinition:
    """One partition per sales day from `start_date`; the newest is yesterday in São Paulo."""
    return dg.DailyPartitionsDefinition(start_date=start_date.isoformat(), timezone=TIMEZONE)
