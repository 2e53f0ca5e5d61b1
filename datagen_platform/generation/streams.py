"""Independent random streams, one per purpose, keyed by the scenario seed and a position.

Every random value of the generator comes from `rng(seed, stream, *key)`: a fresh PCG64 seeded by
`SeedSequence([seed, stream, *key])`. No global state and no wall clock, so any day, block or table
can be regenerated alone, in any order or process, with identical results.
"""

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """What a random stream is used for; the values are part of the output and never change."""

    CUSTOMERS = 1
    SELLERS = 2
    PRODUCTS = 3
    INVOICE_COUNT = 4
    FACTS = 5
    PRICE_ADJUSTMENT = 6
    CUSTOMER_KEYS = 7
    PRODUCT_KEYS = 8
    SELLER_KEYS = 9


def rng(seed: int, stream: Stream, *key: int) -> np.random.Generator:
    """A generator for `stream` at position `key` (e.g. a day ordinal and a block number)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, int(stream), *key])))
