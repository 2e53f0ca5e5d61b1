"""Scale profiles: how many customers, sellers and products, and how many invoices a day.

A profile is a built-in name (`classic`, `small`, `large`) or a TOML file that starts from one of
them and overrides some fields:

    base = "classic"
    customers = 500
    invoices_per_day = 400.0
"""

import dataclasses
import math
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from datagen_platform.errors import ConfigError
from datagen_platform.generation import curves
from datagen_platform.generation.catalog import MAX_PRODUCTS

INT32_MAX = 2**31 - 1
NUMBERING_SPAN = (date(2000, 1, 1), date(2100, 1, 1))
"""An `int` NUMERO must hold every invoice number of a scenario starting inside this span."""

ENV_VAR = "DATAGEN_PROFILE"


@dataclass(frozen=True)
class Profile:
    """A scale profile; every field is validated on construction.

    Args:
        name: how the profile is shown in logs and metadata.
        customers, sellers, products: the sizes of the three dimensions.
        invoices_per_day: mean invoices a day in the first year, before seasonality and growth.
        items_per_invoice: mean distinct products per invoice, at least 1.
        invoice_capacity: invoice numbers reserved per day (a power of 10); a day's count is
            always below it.
        numero_type: "int" or "bigint", the SQL type of NUMERO.
        growth_rate: yearly growth of the invoice volume at the start (see `curves.growth_factor`).
        growth_cap: the multiple of the starting volume that growth levels off at.
    """

    name: str
    customers: int
    sellers: int
    products: int
    invoices_per_day: float
    items_per_invoice: float
    invoice_capacity: int
    numero_type: str
    growth_rate: float = 0.12
    growth_cap: float = 3.0

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            _check_type(field.name, getattr(self, field.name), field.type)
        _check_ranges(self)

    @property
    def peak_invoices_per_day(self) -> float:
        """The largest mean daily invoice count any day can have under this profile."""
        return (
            self.invoices_per_day
            * max(curves.WEEKDAY_FACTORS)
            * max(curves.MONTH_FACTORS)
            * max(self.growth_cap, 1.0)
        )


def required_numero_type(invoice_capacity: int) -> str:
    """The narrowest NUMERO type holding the numbers of every day of `NUMBERING_SPAN`."""
    days = (NUMBERING_SPAN[1] - NUMBERING_SPAN[0]).days
    return "int" if (days + 1) * invoice_capacity - 1 <= INT32_MAX else "bigint"


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name, or a profile TOML file (`base` plus overridden fields).

    Raises:
        ConfigError: naming DATAGEN_PROFILE, the value and what is allowed.
    """
    if name_or_path in PROFILES:
        return PROFILES[name_or_path]
    if not name_or_path.endswith(".toml"):
        raise ConfigError(
            f"{ENV_VAR}={name_or_path!r} is not a built-in profile; expected one of "
            f"{_builtin_names()} or the path of a .toml file"
        )
    try:
        return _from_toml(Path(name_or_path))
    except ConfigError as error:
        raise ConfigError(f"{ENV_VAR}={name_or_path!r}: {error}") from None


def _from_toml(path: Path) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("no such file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read the profile file: {error}") from None

    unknown = sorted(set(data) - set(TOML_KEYS))
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r}; allowed keys: {', '.join(TOML_KEYS)}")
    base_name = data.pop("base", "classic")
    if base_name not in PROFILES:
        raise ConfigError(
            f"base = {base_name!r} is not allowed; expected one of {_builtin_names()}"
        )

    values = dataclasses.asdict(PROFILES[base_name]) | {"name": path.stem} | data
    if "numero_type" not in data and isinstance(values["invoice_capacity"], int):
        values["numero_type"] = required_numero_type(values["invoice_capacity"])
    return Profile(**values)


def _builtin_names() -> str:
    return ", ".join(PROFILES)


def _check_type(name: str, value: object, annotation: object) -> None:
    if annotation in (int, "int"):
        ok, expected = isinstance(value, int) and not isinstance(value, bool), "an integer"
    elif annotation in (float, "float"):
        ok, expected = isinstance(value, int | float) and not isinstance(value, bool), "a number"
    else:
        ok, expected = isinstance(value, str), "a string"
    if not ok:
        raise ConfigError(f"{name} = {value!r} is not allowed; expected {expected}")


def _check_ranges(profile: Profile) -> None:
    _require(profile, "name", bool(profile.name.strip()), "a non-empty string")
    _require(profile, "customers", 1 <= profile.customers <= 10_000_000, "1..10000000")
    _require(profile, "sellers", 1 <= profile.sellers <= 90_000, "1..90000")
    _require(profile, "products", 1 <= profile.products <= MAX_PRODUCTS, f"1..{MAX_PRODUCTS}")
    _require(profile, "invoices_per_day", profile.invoices_per_day > 0, "a number > 0")
    most_items = min(profile.products, curves.MAX_ITEMS_PER_INVOICE)
    _require(
        profile,
        "items_per_invoice",
        1 <= profile.items_per_invoice <= most_items,
        f"1..{most_items} (at most the product count and {curves.MAX_ITEMS_PER_INVOICE})",
    )
    _require(profile, "growth_rate", 0 <= profile.growth_rate < 1, "0 <= growth_rate < 1")
    _require(profile, "growth_cap", 1 <= profile.growth_cap <= 100, "1..100")
    _check_capacity(profile)
    _check_numero_type(profile)


def _check_capacity(profile: Profile) -> None:
    capacity = profile.invoice_capacity
    power_of_ten = capacity >= 10 and 10 ** round(math.log10(capacity)) == capacity
    _require(profile, "invoice_capacity", power_of_ten, "a power of 10 such as 1000")
    # Six standard deviations above the busiest possible day: the clamp never bites in practice.
    peak = profile.peak_invoices_per_day
    needed = peak + 6 * math.sqrt(peak) + 1
    if capacity < needed:
        smallest = 10 ** math.ceil(math.log10(needed))
        raise ConfigError(
            f"invoice_capacity = {capacity} is not allowed; the busiest day may reach "
            f"{needed:.0f} invoices, so use {smallest} or more"
        )


def _check_numero_type(profile: Profile) -> None:
    fits_int = required_numero_type(profile.invoice_capacity) == "int"
    allowed = ("int", "bigint") if fits_int else ("bigint",)
    if profile.numero_type not in allowed:
        raise ConfigError(
            f"numero_type = {profile.numero_type!r} is not allowed with invoice_capacity = "
            f"{profile.invoice_capacity}; expected {' or '.join(map(repr, allowed))}"
        )


def _require(profile: Profile, name: str, ok: bool, expected: str) -> None:
    if not ok:
        raise ConfigError(
            f"{name} = {getattr(profile, name)!r} is not allowed; expected {expected}"
        )


# Built last: constructing a profile runs the validators above.
PROFILES: dict[str, Profile] = {
    "classic": Profile("classic", 15, 4, 31, 75.0, 2.5, 1_000, "int"),
    "small": Profile("small", 8, 3, 10, 10.0, 2.0, 100, "int"),
    "large": Profile("large", 100_000, 1_000, 500, 100_000.0, 3.0, 1_000_000, "bigint"),
}

FIELDS = tuple(field.name for field in dataclasses.fields(Profile))
TOML_KEYS = ("base", *FIELDS)
