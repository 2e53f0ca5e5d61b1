"""Runs the selected benchmarks in order and writes one report with a section per benchmark."""

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import generation, growth, lake, loading, report, targets
from bench.core import Chart, Options, Run, Section
from bench.machine import describe_machine

# Targets come last: they reuse what the earlier benchmarks of the same run measured.
BENCHMARKS: dict[str, Callable[[Run], Section]] = {
    "generation": generation.run,
    "loading": loading.run,
    "growth": growth.run,
    "lake": lake.run,
    "targets": targets.run,
}


@dataclass(frozen=True)
class SuiteResult:
    """What a run wrote: the markdown report, its JSON twin, the charts and the sections."""

    report: Path
    data: Path
    charts: list[Chart]
    sections: dict[str, Section]
    readme_updated: bool


def selected(only: tuple[str, ...]) -> list[str]:
    """The benchmarks to run, in suite order; an unknown name is an error naming the choices."""
    unknown = [name for name in only if name not in BENCHMARKS]
    if unknown:
        raise ValueError(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    return [name for name in BENCHMARKS if not only or name in only]


def report_name(options: Options) -> str:
    """`full`, `quick`, or the selected benchmarks joined (`quick-loading-growth`)."""
    names = "-".join(selected(options.only)) if options.only else ""
    mode = "quick" if options.quick else "full"
    if not names:
        return mode
    return f"quick-{names}" if options.quick else names


def _attempt(run: Run, name: str) -> Section:
    """The benchmark's section, or one saying why it failed: the others still get reported."""
    try:
        return BENCHMARKS[name](run)
    except Exception as error:
        run.log(f"{name}: failed\n{traceback.format_exc()}")
        return Section(
            name,
            f"{name}: failed",
            paragraphs=[f"This benchmark failed, so it has no figures: `{error!r}`."],
            data={"error": repr(error)},
        )


def run_suite(options: Options, command: str = "python -m bench") -> SuiteResult:
    """Run the benchmarks `options` select and write the report; a full run of every
    benchmark also rewrites the headline block of `bench/README.md`."""
    names = selected(options.only)
    run = Run(options, report_name(options))
    machine = describe_machine(options.server.version())
    started = time.perf_counter()
    for name in names:
        run.log(f"{name}: start")
        run.sections[name] = _attempt(run, name)
    markdown, data = report.write_report(run, machine, command, time.perf_counter() - started)
    run.log(f"report written to {markdown}")

    failed = any("error" in section.data for section in run.sections.values())
    complete = not options.quick and len(names) == len(BENCHMARKS) and not failed
    if complete:
        # The same figures in bench/README.md and in the project's README.
        for readme in (report.README, report.PROJECT_README):
            report.update_readme(report.headline_block(run, machine, markdown, readme), readme)
    charts = [chart for section in run.sections.values() for chart in section.charts]
    return SuiteResult(markdown, data, charts, run.sections, complete)
