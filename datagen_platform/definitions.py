"""The one `dg.Definitions` of the platform, built from the environment's settings.

`workspace.yaml`, `dagster dev` and the Docker code server load this module.
"""

from datagen_platform.assembly import ALL_ASSETS_JOB, build_definitions, everything
from datagen_platform.config import Settings

__all__ = ["ALL_ASSETS_JOB", "build_definitions", "defs", "everything"]

defs = build_definitions(Settings.from_env())
