"""The pieces every benchmark shares: run options and sizes, the sections they return, timing."""

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench.database import Server


@dataclass(frozen=True)
class Sizes:
    """How much each benchmark works on. `full` sizes are the ones the speed targets name."""

    profile: str
    lake_volumes: tuple[int, ...]
    memory_invoices: int
    cli_days: int
    full: bool

    @classmethod
    def for_mode(cls, quick: bool) -> "Sizes":
        if quick:
            return cls("classic", (4_000, 12_000), 2_000, 3, full=False)
        return cls("large", (1_000_000, 3_000_000, 10_000_000), 1_000_000, 731, full=True)


@dataclass(frozen=True)
class Options:
    """What one run of the suite measures and where it writes its report."""

    server: Server
    out: Path = Path("bench/reports")
    quick: bool = False
    only: tuple[str, ...] = ()
    repeat: int = 3
    growth_iterations: int = 50
    growth_invoices: int = 100_000
    seed: int = 42
    today: date = field(default_factory=date.today)

    @property
    def sizes(self) -> Sizes:
        return Sizes.for_mode(self.quick)


@dataclass(frozen=True)
class Table:
    """A table of a report section; the first column is left-aligned, the others right."""

    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    """A PNG chart written next to the report."""

    path: Path
    caption: str


@dataclass
class Section:
    """What one benchmark reports: text, tables and charts built from its own measurements.

    `headline` holds the few figures the bench README repeats; `data` the raw numbers, saved as
    JSON next to the report.
    """

    name: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    headline: list[tuple[str, str]] = field(default_factory=list)
    data: dict = field(default_factory=dict)


@dataclass
class Run:
    """One run of the suite: its options, where its files go and the sections done so far."""

    options: Options
    name: str
    sections: dict[str, Section] = field(default_factory=dict)

    @property
    def sizes(self) -> Sizes:
        return self.options.sizes

    @property
    def stem(self) -> str:
        """The common start of the report's file names: `<date>-<name>`."""
        return f"{self.options.today.isoformat()}-{self.name}"

    def chart_path(self, chart: str) -> Path:
        self.options.out.mkdir(parents=True, exist_ok=True)
        return self.options.out / f"{self.stem}-{chart}.png"

    def log(self, message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def time_calls(
    call: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> list[float]:
    """Seconds of `repeat` calls of `call`; `before` runs untimed ahead of each one."""
    timings = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


@contextlib.contextmanager
def one_core() -> Iterator[int]:
    """Pin this process to one CPU core while the block runs; yields the core's number.

    The generation target is per core, and numpy or Arrow could otherwise use a second one.
    """
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)
