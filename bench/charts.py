"""PNG charts of the benchmark figures, drawn with matplotlib's file-only backend."""

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: charts only go to files

import matplotlib.pyplot as plt

from bench.core import Chart
from bench.stats import Line, Summary, si

OURS_COLOR, OTHER_COLOR, FIT_COLOR = "#2f7d5b", "#9aa5b1", "#c0392b"
_DPI = 110


def rate_bars(
    path: Path, title: str, rates: Mapping[str, Summary], highlight: str, unit: str = "rows/s"
) -> Chart:
    """Horizontal bars of median rates with min-max whiskers, log scale; `highlight` in colour."""
    names = list(rates)
    medians = [rates[n].median for n in names]
    errors = [
        [rates[n].median - rates[n].low for n in names],
        [rates[n].high - rates[n].median for n in names],
    ]
    colors = [OURS_COLOR if highlight in n else OTHER_COLOR for n in names]

    fig, ax = plt.subplots(figsize=(8, 0.7 * len(names) + 1.4))
    ax.barh(names, medians, xerr=errors, color=colors, capsize=4)
    ax.set_xscale("log")
    ax.invert_yaxis()
    for y, name in enumerate(names):
        # Written right of the whisker, so the two never overlap.
        ax.text(rates[name].high * 1.12, y, si(rates[name].median, unit), va="center", fontsize=9)
    ax.set_xlim(right=max(r.high for r in rates.values()) * 4)
    ax.set_xlabel(f"{unit} (median, whiskers min-max)")
    return _save(fig, ax, title, path)


def growth_scatter(
    path: Path, title: str, x: Sequence[float], series: Mapping[str, tuple[list[float], Line]]
) -> Chart:
    """Seconds per iteration against rows already in the database, with each fitted line."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for (name, (ys, line)), color in zip(
        series.items(), (OURS_COLOR, "#8fc1a9", "#2c6fbb"), strict=False
    ):
        ax.plot(x, ys, "o", color=color, markersize=4, label=name)
        ax.plot([x[0], x[-1]], [line.at(x[0]), line.at(x[-1])], "-", color=color, alpha=0.7)
    ax.set_xlabel("fact rows in the database before the iteration")
    ax.set_ylabel("seconds per iteration")
    ax.set_ylim(bottom=0)
    ax.legend()
    return _save(fig, ax, title, path)


def volume_lines(
    path: Path, title: str, volumes: Sequence[int], series: Mapping[str, Sequence[float]]
) -> Chart:
    """Seconds against item rows in the lake, one line per series."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for name, values in series.items():
        ax.plot(volumes, values, "o-", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("item rows in the lake")
    ax.set_ylabel("seconds")
    ax.set_ylim(bottom=0)
    ax.legend()
    return _save(fig, ax, title, path)


def target_margins(path: Path, title: str, margins: Mapping[str, float]) -> Chart:
    """Each target's figure as a fraction of what it may reach; right of 1 is a pass."""
    names = list(margins)
    values = [margins[n] for n in names]
    colors = [OURS_COLOR if v >= 1 else FIT_COLOR for v in values]
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(names) + 1.4))
    ax.barh(names, values, color=colors)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.invert_yaxis()
    for y, value in enumerate(values):
        ax.text(value * 1.1, y, f"{value:.2f}", va="center", fontsize=9)
    ax.set_xlim(min([*values, 1.0]) / 2, max([*values, 1.0]) * 4)
    ax.set_xlabel("headroom, log scale: above 1 meets the target")
    return _save(fig, ax, title, path)


def _save(fig: plt.Figure, ax: plt.Axes, title: str, path: Path) -> Chart:
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=_DPI)
    plt.close(fig)
    return Chart(path, title)
