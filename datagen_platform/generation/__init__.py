"""The pure generator of the `sucos_vendas` database: numpy and pyarrow, no Dagster, no I/O.

Every value is a function of the scenario (seed, profile, first day), the table, the day and the
block, so any day can be generated alone, in any order, with identical results.
"""

from datagen_platform.generation.dimensions import generate_dimension
from datagen_platform.generation.facts import (
    BLOCK_INVOICES,
    DayFacts,
    generate_day,
    invoice_number_range,
    iter_day_blocks,
    planned_invoice_count,
)
from datagen_platform.generation.profiles import PROFILES, Profile, load_profile
from datagen_platform.generation.scenario import Scenario

__all__ = [
    "BLOCK_INVOICES",
    "PROFILES",
    "DayFacts",
    "Profile",
    "Scenario",
    "generate_day",
    "generate_dimension",
    "invoice_number_range",
    "iter_day_blocks",
    "load_profile",
    "planned_invoice_count",
]
