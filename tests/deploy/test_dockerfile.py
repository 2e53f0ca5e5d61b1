import fnmatch
import json
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest


def _option(command: list[str], *names: str) -> str:
    index = next(i for i, word in enumerate(command) if word in names)
    return command[index + 1]


def _source_folder(dockerfile) -> str:
    """Where the Dockerfile copies pyproject.toml: the folder `pip install` builds from."""
    (destination,) = [dest for srcs, dest in dockerfile.copies() if "pyproject.toml" in srcs]
    return destination.rstrip("/")


def _rebuild_context(dockerfile, repo: Path, root: Path) -> None:
    """Lay out under `root` what the Dockerfile copies into the folder it installs from."""
    source_folder = _source_folder(dockerfile)
    for sources, destination in dockerfile.copies():
        if not destination.startswith(source_folder):
            continue
        folder = root / Path(destination).relative_to(source_folder)
        for source in sources:
            target = folder / Path(source).name if destination.endswith("/") else folder
            if (repo / source).is_dir():
                shutil.copytree(repo / source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(repo / source, target)


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path (or a parent of it) decides."""
    parts = Path(path).parts
    candidates = [str(Path(*parts[: i + 1])) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negated, pattern = pattern.startswith("!"), pattern.lstrip("!").rstrip("/")
        if any(fnmatch.fnmatch(candidate, pattern) for candidate in candidates):
            ignored = not negated
    return ignored


@pytest.fixture(scope="module")
def dockerignore(repo) -> list[str]:
    lines = (repo / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_image_is_built_on_python_3_11_slim(dockerfile):
    assert dockerfile.values("FROM") == ["python:3.11-slim"]


def test_dagster_is_pinned_to_the_versions_the_tests_run_against(dockerfile):
    pins = dockerfile.args()

    assert pins["DAGSTER_VERSION"] == version("dagster")
    assert pins["DAGSTER_LIBRARIES_VERSION"] == version("dagster-duckdb")


def test_the_package_is_installed_from_the_copied_sources_not_in_editable_mode(dockerfile):
    folder = _source_folder(dockerfile)
    copied = {
        Path(src).name
        for srcs, dest in dockerfile.copies()
        if dest.startswith(folder)
        for src in srcs
    }
    installs = [args for args in dockerfile.values("RUN") if f"pip install {folder}" in args]

    assert {"pyproject.toml", "datagen_platform", "sql"} <= copied
    assert len(installs) == 1
    assert "-e " not in installs[0] and "--editable" not in installs[0]


def test_the_wheel_built_from_what_the_image_copies_ships_every_sql_file(
    dockerfile, repo, tmp_path
):
    _rebuild_context(dockerfile, repo, tmp_path / "src")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    command += ["--wheel-dir", str(tmp_path / "dist"), str(tmp_path / "src")]

    subprocess.run(command, check=True, capture_output=True, timeout=120)

    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sql_files = [p.relative_to(repo / "sql") for p in (repo / "sql").rglob("*") if p.is_file()]
    assert sql_files
    assert {f"datagen_platform/_sql/{p.as_posix()}" for p in sql_files} <= names
    assert "datagen_platform/definitions.py" in names


def test_the_services_run_as_a_user_other_than_root(dockerfile):
    users = dockerfile.values("USER")

    assert users and users[-1] not in {"root", "0", "0:0"}
    assert dockerfile.index("USER") < dockerfile.index("CMD")


def test_the_command_serves_the_workspace_module_over_grpc_on_port_4000(
    dockerfile, local_workspace_module
):
    (cmd,) = map(json.loads, dockerfile.values("CMD"))

    assert dockerfile.values("EXPOSE") == ["4000"]
    assert cmd[:3] == ["dagster", "code-server", "start"]
    assert _option(cmd, "--host", "-h") == "0.0.0.0"
    assert _option(cmd, "--port", "-p") == "4000"
    assert _option(cmd, "--module-name", "-m") == local_workspace_module["module_name"]
    assert _option(cmd, "--location-name") == local_workspace_module["location_name"]


def test_the_instance_config_is_installed_in_dagster_home(dockerfile):
    dagster_home = dockerfile.env()["DAGSTER_HOME"]

    assert (["deploy/dagster.yaml"], f"{dagster_home}/dagster.yaml") in dockerfile.copies()


def test_no_secret_is_baked_into_the_image(dockerfile):
    names = [*dockerfile.args(), *dockerfile.env()]

    assert "DAGSTER_HOME" in names
    assert not [n for n in names if any(w in n for w in ("PASSWORD", "SECRET", "TOKEN"))]


@pytest.mark.parametrize("path", [".env", ".venv/bin/python", "var/warehouse.duckdb", "tests"])
def test_the_build_context_leaves_out_local_state(dockerignore, path):
    assert _ignored(path, dockerignore)


def test_the_build_context_holds_everything_the_dockerfile_copies(dockerfile, dockerignore):
    sources = {source for sources, _ in dockerfile.copies() for source in sources}

    assert "deploy/init-instance.sh" in sources
    assert not [source for source in sources if _ignored(source, dockerignore)]
