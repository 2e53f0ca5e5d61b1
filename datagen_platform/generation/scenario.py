"""A scenario: the seed, scale profile and first sales day that fix every generated value."""

from dataclasses import dataclass
from datetime import date

from datagen_platform.config import Settings
from datagen_platform.errors import ConfigError
from datagen_platform.generation.profiles import INT32_MAX, Profile, load_profile


@dataclass(frozen=True)
class Scenario:
    """One synthetic world: the same scenario always generates the same rows.

    Args:
        seed: the root of every random stream (`DATAGEN_SEED`), at least 0.
        profile: the scale profile (`DATAGEN_PROFILE`).
        start_date: the first sales day and daily partition (`DATAGEN_START_DATE`).
    """

    seed: int
    profile: Profile
    start_date: date

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(
                f"DATAGEN_SEED={self.seed!r} is not allowed; expected an integer >= 0"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> "Scenario":
        """The scenario that `Settings.from_env()` describes."""
        return cls(settings.seed, load_profile(settings.profile), settings.start_date)

    def day_index(self, day: date) -> int:
        """Days since `start_date`; a day before it is an error."""
        if day < self.start_date:
            raise ConfigError(
                f"{day.isoformat()} is before the first partition "
                f"{self.start_date.isoformat()} (DATAGEN_START_DATE)"
            )
        return (day - self.start_date).days

    def invoice_number_range(self, day: date) -> tuple[int, int]:
        """The inclusive range of NUMERO reserved for `day`: (index + 1) * capacity onwards."""
        capacity = self.profile.invoice_capacity
        low = (self.day_index(day) + 1) * capacity
        high = low + capacity - 1
        if self.profile.numero_type == "int" and high > INT32_MAX:
            raise ConfigError(
                f"invoice numbers of {day.isoformat()} exceed the int range of NUMERO; "
                f"use a profile with numero_type = 'bigint' (DATAGEN_PROFILE)"
            )
        return low, high
