from datetime import date
from pathlib import Path

import pytest

from datagen_platform.config import Settings
from datagen_platform.errors import ConfigError


def test_defaults_use_the_embedded_database_and_the_classic_scenario():
    settings = Settings.from_env({})

    assert settings.seed == 42
    assert settings.profile == "classic"
    assert settings.start_date == date(2015, 1, 1)
    assert settings.mariadb is None
    assert settings.target == f"embedded DuckDB {Path('var/sucos_vendas.duckdb')}"


def test_mariadb_is_chosen_by_its_host_and_the_password_stays_out_of_sight():
    env = {"MARIADB_HOST": "db", "MARIADB_PORT": "3307", "MARIADB_PASSWORD": "s3cret"}

    settings = Settings.from_env(env)

    assert settings.mariadb.port == 3307
    assert settings.mariadb.database == "sucos_vendas"
    assert settings.target == "MariaDB root@db:3307/sucos_vendas"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATAGEN_SEED": "abc"}, "DATAGEN_SEED='abc' is not an integer"),
        ({"DATAGEN_SEED": "-1"}, "DATAGEN_SEED='-1' is out of range"),
        ({"DATAGEN_START_DATE": "2015-13-01"}, "DATAGEN_START_DATE='2015-13-01' is not a date"),
        ({"MARIADB_HOST": "db", "MARIADB_PORT": "70000"}, "MARIADB_PORT='70000' is out of range"),
        ({"MARIADB_HOST": "db", "MARIADB_DATABASE": "x;drop"}, "MARIADB_DATABASE='x;drop'"),
        ({"MARIADB_HOST": "db", "MARIADB_SSL": "on"}, "MARIADB_SSL='on' is not allowed; expected"),
    ],
)
def test_a_malformed_variable_is_named_with_its_value_and_what_is_allowed(env, message):
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(")):
        Settings.from_env(env)
