"""What the figures were measured on: the machine, the MariaDB server and the library versions."""

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import psutil

LIBRARIES = ("numpy", "pyarrow", "duckdb", "dagster", "pandas", "sqlalchemy", "pymysql", "faker")


@dataclass(frozen=True)
class Machine:
    """The hardware and software a run measured, as label/value pairs for the report."""

    cpu: str
    cores: int
    usable_cores: int
    memory_bytes: int
    os: str
    mariadb: str
    load_average: tuple[float, float, float]
    versions: dict[str, str]

    def rows(self) -> list[tuple[str, str]]:
        load = ", ".join(f"{value:.2f}" for value in self.load_average)
        return [
            ("CPU", self.cpu),
            ("cores", f"{self.cores} logical, {self.usable_cores} usable by this process"),
            ("memory", f"{self.memory_bytes / (1 << 30):.1f} GiB"),
            ("OS", self.os),
            ("MariaDB", self.mariadb),
            ("load average at start (1, 5, 15 min)", load),
            *((name, version) for name, version in self.versions.items()),
        ]


def describe_machine(mariadb_version: str) -> Machine:
    """The machine this process runs on; `mariadb_version` as the server reported it."""
    return Machine(
        cpu=cpu_model(),
        cores=os.cpu_count() or 1,
        usable_cores=len(os.sched_getaffinity(0)),
        memory_bytes=psutil.virtual_memory().total,
        os=f"{platform.system()} {platform.release()} ({_distribution()})",
        mariadb=mariadb_version,
        load_average=os.getloadavg(),
        versions={"Python": sys.version.split()[0], **library_versions()},
    )


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or what `platform` knows elsewhere."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def library_versions() -> dict[str, str]:
    """The installed version of each library the figures depend on."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _distribution() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", "unknown distribution")
    except OSError:
        return "unknown distribution"
