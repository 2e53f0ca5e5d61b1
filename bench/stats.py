"""Summaries of repeated timings and the units the reports print them in.

Pure functions only: no clock, no I/O, so every figure a report shows can be unit-tested.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Repeated measurements of one quantity: median, extremes and interquartile range."""

    values: tuple[float, ...]
    median: float
    low: float
    high: float
    q1: float
    q3: float

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    @property
    def spread(self) -> float:
        """The range (max - min) as a fraction of the median; 0 for a single value."""
        return (self.high - self.low) / self.median if self.median else 0.0


def summarize(values: Sequence[float]) -> Summary:
    """Median, min, max and quartiles (inclusive method) of at least one value."""
    if not values:
        raise ValueError("cannot summarize an empty list of measurements")
    ordered = tuple(sorted(float(v) for v in values))
    if len(ordered) == 1:
        q1 = q3 = ordered[0]
    else:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Summary(ordered, statistics.median(ordered), ordered[0], ordered[-1], q1, q3)


def rates(count: float, seconds: Sequence[float]) -> Summary:
    """Items per second for each timing of `count` items (a fast run is a high rate)."""
    if any(s <= 0 for s in seconds):
        raise ValueError(f"timings must be positive, got {list(seconds)}")
    return summarize([count / s for s in seconds])


def ratio(value: float, reference: float) -> float:
    """`value` as a fraction of `reference` (e.g. a contender's rows/s over the ceiling's)."""
    if reference == 0:
        raise ValueError("the reference of a ratio cannot be zero")
    return value / reference


@dataclass(frozen=True)
class Line:
    """A least-squares line y = intercept + slope * x, with the fit's r squared."""

    slope: float
    intercept: float
    r_squared: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> Line:
    """Ordinary least squares over at least two points with distinct x."""
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} x values but {len(ys)} y values")
    if len(xs) < 2 or len(set(xs)) < 2:
        raise ValueError("a line needs at least two points with different x")
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    r_squared = 1.0 - residual / total if total else 1.0
    return Line(slope, intercept, r_squared)


_PREFIXES = ((1e9, "G"), (1e6, "M"), (1e3, "k"))


def si(value: float, unit: str, digits: int = 3) -> str:
    """A number with a k/M/G prefix and `digits` significant figures: 1_234_567 -> "1.23 M"."""
    for scale, prefix in _PREFIXES:
        if abs(value) >= scale:
            return f"{_significant(value / scale, digits)} {prefix}{unit}".rstrip()
    return f"{_significant(value, digits)} {unit}".rstrip()


def format_rate(per_second: float, unit: str = "rows") -> str:
    """A throughput such as "1.23 M rows/s"."""
    return si(per_second, f"{unit}/s")


def format_seconds(seconds: float) -> str:
    """A duration in ms below one second, in s up to two minutes, in min beyond."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    return f"{seconds / 60:.1f} min"


def format_bytes(count: float) -> str:
    """A size in binary units: 1_610_612_736 -> "1.50 GiB"."""
    for scale, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if abs(count) >= scale:
            return f"{count / scale:.2f} {name}"
    return f"{count:.0f} B"


def format_percent(fraction: float) -> str:
    """A fraction as a percentage with one decimal: 0.8123 -> "81.2 %"."""
    return f"{fraction * 100:.1f} %"


def format_count(count: float) -> str:
    """An integer with thousands separators: 1234567 -> "1,234,567"."""
    return f"{round(count):,}"


def _significant(value: float, digits: int) -> str:
    if value == 0:
        return "0"
    whole = len(str(int(abs(value)))) if abs(value) >= 1 else 1
    decimals = max(digits - whole, 0)
    return f"{value:.{decimals}f}"
