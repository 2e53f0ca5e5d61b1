"""The `bench_report` asset: the benchmark suite's report, run on request from the UI.

Not part of the daily graph: it depends on no asset and no daily job selects it. It needs the
repository's `bench` package (a source checkout), and a MariaDB server for the loading,
growth and target benchmarks.
"""

import base64
from pathlib import Path

import dagster as dg
import pydantic

GROUP = "bench"
SIZES = ("quick", "full")


class BenchConfig(dg.Config):
    """How big a suite to run; unset numbers take the suite's defaults for the size."""

    size: str = pydantic.Field(
        "quick", description="quick (tiny, under a minute) or full (the sizes the targets name)"
    )
    only: list[str] = pydantic.Field(
        default_factory=list, description="benchmarks to run; all when empty"
    )
    repeat: int | None = pydantic.Field(None, description="repetitions per measurement")
    growth_iterations: int | None = pydantic.Field(None, description="days the growth run loads")
    growth_invoices: int | None = pydantic.Field(None, description="invoices per growth day")
    out_dir: str = pydantic.Field("var/bench", description="folder of the report and charts")


def suite_arguments(config: BenchConfig) -> list[str]:
    """The `python -m bench` arguments equivalent to `config`."""
    if config.size not in SIZES:
        raise dg.Failure(f"size={config.size!r} is not allowed; expected one of {SIZES}")
    arguments = ["--out", config.out_dir]
    arguments += ["--quick"] if config.size == "quick" else []
    arguments += ["--only", ",".join(config.only)] if config.only else []
    for flag, value in (
        ("--repeat", config.repeat),
        ("--growth-iterations", config.growth_iterations),
        ("--growth-invoices", config.growth_invoices),
    ):
        arguments += [flag, str(value)] if value is not None else []
    return arguments


def charts_markdown(charts: list, title: str) -> str:
    """The report's charts as markdown images with embedded PNG data URIs."""
    lines = [f"**{title}**", ""]
    for chart in charts:
        encoded = base64.b64encode(Path(chart.path).read_bytes()).decode("ascii")
        lines += [f"![{chart.caption}](data:image/png;base64,{encoded})", ""]
    return "\n".join(lines)


@dg.asset(group_name=GROUP, kinds={"python", "markdown"})
def bench_report(context: dg.AssetExecutionContext, config: BenchConfig) -> dg.MaterializeResult:
    """The benchmark report: the platform's design claims and speed targets measured on this
    machine, as markdown with PNG charts, one file set per run."""
    try:
        from bench.__main__ import parse
        from bench.suite import run_suite
    except ImportError as error:
        raise dg.Failure(
            f"the bench package is not importable ({error}); run Dagster from a source checkout"
        ) from None

    arguments = suite_arguments(config)
    result = run_suite(parse(arguments), command=f"bench_report asset ({' '.join(arguments)})")
    context.log.info(
        f"benchmarks {', '.join(result.sections)}: {len(result.charts)} charts, "
        f"report {result.report}"
    )
    headline = [row for section in result.sections.values() for row in section.headline]
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.report.resolve())),
            "size": config.size,
            "benchmarks": ", ".join(result.sections),
            "headline": dg.MetadataValue.md(
                "\n".join(
                    ["| figure | value |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in headline]
                )
            ),
            "charts": dg.MetadataValue.md(charts_markdown(result.charts, "Benchmark charts")),
        }
    )
