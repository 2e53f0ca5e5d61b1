"""Readers for the deployment files, as fixtures shared by the tests of this folder."""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Dockerfile:
    """The Dockerfile as (INSTRUCTION, arguments) pairs, continuation lines joined."""

    instructions: list[tuple[str, str]]

    @classmethod
    def read(cls, path: Path) -> "Dockerfile":
        logical, pending = [], ""
        for line in path.read_text().splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            logical.append((pending + line).split(None, 1))
            pending = ""
        return cls([(name.upper(), args.strip()) for name, args in logical])

    def values(self, instruction: str) -> list[str]:
        return [args for name, args in self.instructions if name == instruction]

    def index(self, instruction: str) -> int:
        """Position of the last occurrence of `instruction`."""
        return max(i for i, (name, _) in enumerate(self.instructions) if name == instruction)

    def args(self) -> dict[str, str]:
        """Defaults of the build arguments."""
        return dict(args.split("=", 1) for args in self.values("ARG") if "=" in args)

    def env(self) -> dict[str, str]:
        pairs = (item.split("=", 1) for args in self.values("ENV") for item in shlex.split(args))
        return dict(pairs)

    def copies(self) -> list[tuple[list[str], str]]:
        """(sources, destination) of every COPY."""
        return [(parts[:-1], parts[-1]) for parts in map(str.split, self.values("COPY"))]


def _yaml(relative: str) -> dict:
    return yaml.safe_load((REPO / relative).read_text())


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def dockerfile() -> Dockerfile:
    return Dockerfile.read(REPO / "Dockerfile")


@pytest.fixture(scope="session")
def services() -> dict:
    return _yaml("docker-compose.yml")["services"]


@pytest.fixture(scope="session")
def named_volumes() -> set[str]:
    return set(_yaml("docker-compose.yml")["volumes"])


@pytest.fixture(scope="session")
def local_workspace_module() -> dict:
    """The `python_module` entry of the workspace `make dev` loads."""
    (location,) = _yaml("workspace.yaml")["load_from"]
    return location["python_module"]


@pytest.fixture(scope="session")
def deploy_grpc_server() -> dict:
    """The `grpc_server` entry of the workspace the compose webserver and daemon load."""
    (location,) = _yaml("deploy/workspace.yaml")["load_from"]
    return location["grpc_server"]


@pytest.fixture(scope="session")
def env_example_names() -> set[str]:
    """The variable names `.env.example` documents."""
    text = (REPO / ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
