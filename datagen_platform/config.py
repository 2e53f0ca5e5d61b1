"""Settings read from the environment, each validated with an error that names the variable.

Every variable is documented in the README and in `.env.example`. Secrets are kept out of `repr`
and of every message.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from datagen_platform.errors import ConfigError

DEFAULT_START_DATE = date(2015, 1, 1)
DEFAULT_DATABASE = "sucos_vendas"
# As the MariaDB 10.11 client: no TLS unless asked for, which also keeps local loads fast.
SSL_MODES = ("disabled", "preferred", "required")


@dataclass(frozen=True)
class MariaDBSettings:
    host: str
    port: int = 3306
    user: str = "root"
    password: str = field(default="", repr=False)
    database: str = DEFAULT_DATABASE
    ssl: str = "disabled"


@dataclass(frozen=True)
class Settings:
    """The scenario (seed, profile, first day) and where its data lives."""

    seed: int = 42
    profile: str = "classic"
    start_date: date = DEFAULT_START_DATE
    mariadb: MariaDBSettings | None = None
    embedded_path: Path = Path("var/sucos_vendas.duckdb")
    datalake: str = "datalake"
    warehouse_path: Path = Path("var/warehouse.duckdb")

    @property
    def target(self) -> str:
        """A human description of the operational database, never with a password."""
        if self.mariadb is None:
            return f"embedded DuckDB {self.embedded_path}"
        m = self.mariadb
        return f"MariaDB {m.user}@{m.host}:{m.port}/{m.database}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            seed=_int(env, "DATAGEN_SEED", 42, minimum=0),
            profile=env.get("DATAGEN_PROFILE", "") or "classic",
            start_date=_date(env, "DATAGEN_START_DATE", DEFAULT_START_DATE),
            mariadb=_mariadb(env),
            embedded_path=Path(env.get("DATAGEN_EMBEDDED_PATH", "") or cls.embedded_path),
            datalake=env.get("DATAGEN_DATALAKE", "") or cls.datalake,
            warehouse_path=Path(env.get("DATAGEN_WAREHOUSE", "") or cls.warehouse_path),
        )


def _int(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int = 2**63 - 1):
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not an integer; expected {minimum}..{maximum}"
        ) from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={raw!r} is out of range; expected {minimum}..{maximum}")
    return value


def _date(env: Mapping[str, str], name: str, default: date) -> date:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a date; expected YYYY-MM-DD") from None


def _mariadb(env: Mapping[str, str]) -> MariaDBSettings | None:
    host = env.get("MARIADB_HOST", "").strip()
    if not host:
        return None
    database = env.get("MARIADB_DATABASE", "").strip() or DEFAULT_DATABASE
    if not database.replace("_", "").isalnum():
        raise ConfigError(
            f"MARIADB_DATABASE={database!r} is not allowed; use letters, digits and underscores"
        )
    ssl = env.get("MARIADB_SSL", "").strip().lower() or "disabled"
    if ssl not in SSL_MODES:
        raise ConfigError(f"MARIADB_SSL={ssl!r} is not allowed; expected {', '.join(SSL_MODES)}")
    return MariaDBSettings(
        host=host,
        ssl=ssl,
        port=_int(env, "MARIADB_PORT", 3306, minimum=1, maximum=65535),
        user=env.get("MARIADB_USER", "").strip() or "root",
        password=env.get("MARIADB_PASSWORD", ""),
        database=database,
    )
