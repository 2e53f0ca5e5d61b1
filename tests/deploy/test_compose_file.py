import os
import re
import shutil
import subprocess
from pathlib import PurePosixPath

import pytest
import yaml

from datagen_platform.config import Settings

PLATFORM_SERVICES = ("code-location", "webserver", "daemon")
SUBSTITUTION = re.compile(r"^\$\{(?P<name>[A-Z][A-Z0-9_]*)(:-(?P<default>[^}]*))?\}$")


class _RecordingEnv(dict):
    """A mapping that remembers every name looked up in it."""

    def __init__(self, values):
        super().__init__(values)
        self.read = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def _names_the_settings_read() -> set[str]:
    env = _RecordingEnv({"MARIADB_HOST": "mariadb"})  # a host makes the MariaDB settings read too
    Settings.from_env(env)
    return env.read


def _published(service: dict) -> set[int]:
    """Container ports published on the host, from the short `[ip:]host:container` syntax."""
    return {int(str(port).rsplit(":", 1)[1]) for port in service.get("ports", []) if ":" in port}


def _default(value: str) -> str:
    match = SUBSTITUTION.match(str(value))
    return match["default"] if match else str(value)


def _mounts(service: dict) -> dict[str, str]:
    """Container path to named volume."""
    return {mount.split(":")[1]: mount.split(":")[0] for mount in service.get("volumes", [])}


def test_the_deployment_has_its_six_services(services):
    assert set(services) == {
        "mariadb",
        "dagster-postgres",
        "dagster-init",
        "code-location",
        "webserver",
        "daemon",
    }
    assert services["mariadb"]["image"] == "mariadb:10.11"
    assert services["dagster-postgres"]["image"].startswith("postgres:")


@pytest.mark.parametrize("name", ["dagster-init", *PLATFORM_SERVICES])
def test_the_dagster_services_run_the_image_built_from_this_repository(services, name):
    service = services[name]

    assert service["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    assert service["image"] == services["code-location"]["image"]


def test_the_ui_and_the_database_are_published_and_the_grpc_port_stays_internal(services):
    assert _published(services["webserver"]) == {3000}
    assert _published(services["mariadb"]) == {3306}
    assert _published(services["code-location"]) == set()
    assert services["code-location"]["expose"] == ["4000"]


def test_mariadb_accepts_load_data_local_infile(services):
    assert "--local-infile=1" in services["mariadb"]["command"]


@pytest.mark.parametrize(
    ("name", "probe"),
    [
        ("mariadb", r"healthcheck\.sh --connect --innodb_initialized|mariadb-admin ping"),
        ("dagster-postgres", r"pg_isready"),
        ("code-location", r"dagster api grpc-health-check --port 4000"),
    ],
)
def test_the_servers_others_wait_for_have_a_healthcheck(services, name, probe):
    test = services[name]["healthcheck"]["test"]

    assert test[0] in {"CMD", "CMD-SHELL"}
    assert re.search(probe, " ".join(test[1:]))


@pytest.mark.parametrize(
    ("name", "healthy"),
    [
        ("code-location", {"mariadb", "dagster-postgres"}),
        ("webserver", {"code-location", "dagster-postgres"}),
        ("daemon", {"code-location", "dagster-postgres"}),
    ],
)
def test_services_start_once_what_they_need_is_healthy(services, name, healthy):
    depends_on = services[name]["depends_on"]

    assert {dep for dep in healthy if depends_on[dep]["condition"] == "service_healthy"} == healthy
    assert depends_on["dagster-init"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", PLATFORM_SERVICES)
def test_every_variable_the_platform_reads_reaches_the_service(services, env_example_names, name):
    expected = env_example_names | _names_the_settings_read()

    assert {"DATAGEN_SEED", "MARIADB_PASSWORD"} <= expected
    assert expected <= set(services[name]["environment"])


@pytest.mark.parametrize("name", ["dagster-init", *PLATFORM_SERVICES])
def test_every_variable_the_instance_config_reads_reaches_the_service(repo, services, name):
    text = (repo / "deploy" / "dagster.yaml").read_text()
    expected = set(re.findall(r"env: ([A-Z][A-Z0-9_]*)", text))

    assert expected == {
        "DAGSTER_POSTGRES_HOST",
        "DAGSTER_POSTGRES_USER",
        "DAGSTER_POSTGRES_PASSWORD",
        "DAGSTER_POSTGRES_DB",
    }
    assert expected <= set(services[name]["environment"])


def test_the_platform_connects_to_the_database_servers_of_the_deployment(services):
    env = services["code-location"]["environment"]
    mariadb = services["mariadb"]["environment"]
    postgres = services["dagster-postgres"]["environment"]

    assert env["MARIADB_HOST"] == "mariadb"
    assert env["MARIADB_PASSWORD"] == mariadb["MARIADB_ROOT_PASSWORD"]
    assert env["MARIADB_DATABASE"] == mariadb["MARIADB_DATABASE"]
    assert env["DAGSTER_POSTGRES_HOST"] == "dagster-postgres"
    assert env["DAGSTER_POSTGRES_USER"] == postgres["POSTGRES_USER"]
    assert env["DAGSTER_POSTGRES_PASSWORD"] == postgres["POSTGRES_PASSWORD"]
    assert env["DAGSTER_POSTGRES_DB"] == postgres["POSTGRES_DB"]


def test_passwords_come_from_the_environment_with_a_local_default(services):
    passwords = {
        (name, key, value)
        for name, service in services.items()
        for key, value in service.get("environment", {}).items()
        if "PASSWORD" in key
    }

    assert len(passwords) >= 4
    assert [p for p in passwords if not SUBSTITUTION.match(str(p[2]))] == []


def test_the_webserver_and_the_daemon_load_the_workspace_baked_into_the_image(services, dockerfile):
    (workspace,) = [dest for srcs, dest in dockerfile.copies() if srcs == ["deploy/workspace.yaml"]]

    assert services["webserver"]["command"] == [
        *["dagster-webserver", "-h", "0.0.0.0", "-p", "3000", "-w", workspace]
    ]
    assert services["daemon"]["command"] == ["dagster-daemon", "run", "-w", workspace]


@pytest.mark.parametrize("name", PLATFORM_SERVICES)
def test_the_default_data_paths_land_on_shared_volumes(services, named_volumes, dockerfile, name):
    service = services[name]
    mounts = _mounts(service)
    (workdir,) = map(PurePosixPath, dockerfile.values("WORKDIR"))
    lake = workdir / _default(service["environment"]["DATAGEN_DATALAKE"])
    warehouse = workdir / _default(service["environment"]["DATAGEN_WAREHOUSE"])
    compute_logs = PurePosixPath(dockerfile.env()["DAGSTER_HOME"]) / "storage"

    assert mounts[str(lake)] == "datalake"
    assert str(warehouse.parent) in mounts
    assert mounts[str(compute_logs)] == "dagster-storage"
    assert set(mounts.values()) <= named_volumes


def test_docker_compose_accepts_the_file_with_the_example_environment(repo, tmp_path):
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed (Debian package docker-compose)")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    command = [binary, "--project-directory", str(repo), "-f", str(repo / "docker-compose.yml")]
    command += ["--env-file", str(repo / ".env.example"), "config"]

    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]
    code_env = resolved["code-location"]["environment"]
    root_password = resolved["mariadb"]["environment"]["MARIADB_ROOT_PASSWORD"]
    # .env.example leaves MARIADB_HOST and MARIADB_PASSWORD empty: the deployment fills both.
    assert code_env["MARIADB_HOST"] == "mariadb"
    assert code_env["MARIADB_PASSWORD"] == root_password != ""
