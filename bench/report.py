"""The run's markdown report, its raw figures as JSON, and the headline block of the README."""

import json
import os
import re
from datetime import datetime
from pathlib import Path

from bench.core import Run, Section, Table
from bench.machine import Machine

README = Path(__file__).resolve().parent / "README.md"
PROJECT_README = README.parents[1] / "README.md"
BEGIN, END = "<!-- bench:headline:begin -->", "<!-- bench:headline:end -->"


def markdown_table(table: Table) -> str:
    """A GitHub markdown table; the first column left-aligned, the others right-aligned."""
    lines = [
        "| " + " | ".join(table.headers) + " |",
        "|" + "|".join([":---", *["---:"] * (len(table.headers) - 1)]) + "|",
        *("| " + " | ".join(row) + " |" for row in table.rows),
    ]
    if table.caption:
        lines = [table.caption, "", *lines]
    return "\n".join(lines)


def render_section(section: Section, folder: Path) -> str:
    """One benchmark's part of the report; charts are linked relative to `folder`."""
    parts = [f"## {section.title}", *section.paragraphs]
    parts += [markdown_table(table) for table in section.tables]
    parts += [
        f"![{chart.caption}]({os.path.relpath(chart.path, folder)})" for chart in section.charts
    ]
    return "\n\n".join(parts)


def render_report(run: Run, machine: Machine, command: str, seconds: float) -> str:
    """The whole markdown report of a run."""
    folder = run.options.out
    machine_table = Table(("", ""), [(label, value) for label, value in machine.rows()])
    sizes = run.sizes
    intro = (
        f"Written by `{command}` on {datetime.now():%Y-%m-%d %H:%M} in {seconds / 60:.1f} min. "
        f"Every figure below was measured by that run; none is typed by hand. Sizes: "
        f"{'quick (tiny, only proves that everything runs)' if run.options.quick else 'full'}, "
        f"profile `{sizes.profile}`, {run.options.repeat} repetitions."
    )
    caution = (
        f"The machine has {machine.cores} cores shared with other work (load average "
        f"{machine.load_average[0]:.2f} when the run started), and MariaDB runs on the same "
        f"machine, so figures are noisy: read the spreads next to the medians."
    )
    headline = Table(
        ("figure", "value"), [row for s in run.sections.values() for row in s.headline]
    )
    parts = [
        f"# Benchmark report: {run.name}, {run.options.today.isoformat()}",
        intro,
        "## Machine",
        caution,
        markdown_table(machine_table),
        "## Headline figures",
        markdown_table(headline),
        *(render_section(section, folder) for section in run.sections.values()),
    ]
    return "\n\n".join(parts) + "\n"


def write_report(run: Run, machine: Machine, command: str, seconds: float) -> tuple[Path, Path]:
    """Write `<date>-<name>.md` and `<date>-<name>.json` into the run's folder."""
    folder = run.options.out
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / f"{run.stem}.md"
    markdown.write_text(render_report(run, machine, command, seconds), encoding="utf-8")
    raw = {
        "command": command,
        "machine": dict(machine.rows()),
        "sections": {name: section.data for name, section in run.sections.items()},
    }
    data = folder / f"{run.stem}.json"
    data.write_text(json.dumps(raw, indent=2, default=str) + "\n", encoding="utf-8")
    return markdown, data


def headline_block(run: Run, machine: Machine, report: Path, readme: Path = README) -> str:
    """The README's marked block: the headline figures and where they come from."""
    link = os.path.relpath(report, readme.parent)
    table = Table(("figure", "value"), [r for s in run.sections.values() for r in s.headline])
    return "\n".join(
        [
            BEGIN,
            f"Latest full run, {run.options.today.isoformat()}: {machine.cpu}, {machine.cores} "
            f"cores, {machine.memory_bytes / (1 << 30):.0f} GiB, MariaDB {machine.mariadb}. "
            f"Full report: [{report.name}]({link}).",
            "",
            markdown_table(table),
            END,
        ]
    )


def update_readme(block: str, readme: Path = README) -> None:
    """Replace the marked block of the README (or append one) with `block`."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")
