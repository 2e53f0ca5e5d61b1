"""The scenario resource: which synthetic world the assets generate."""

from datetime import date

import dagster as dg

from datagen_platform.generation import Scenario, load_profile


class ScenarioResource(dg.ConfigurableResource):
    """The seed, scale profile and first sales day that make every generated value reproducible.

    Args:
        seed: the scenario seed (`DATAGEN_SEED`).
        profile: a built-in profile name or the path of a profile TOML file (`DATAGEN_PROFILE`).
        start_date: the first daily partition, `YYYY-MM-DD` (`DATAGEN_START_DATE`).
    """

    seed: int = 42
    profile: str = "classic"
    start_date: str = "2015-01-01"

    def scenario(self) -> Scenario:
        return Scenario(
            seed=self.seed,
            profile=load_profile(self.profile),
            start_date=date.fromisoformat(self.start_date),
        )
