"""The measurement arithmetic of the benchmark suite: summaries, ratios, units and line fits."""

import pytest

from bench.stats import (
    fit_line,
    format_bytes,
    format_count,
    format_percent,
    format_rate,
    format_seconds,
    rates,
    ratio,
    si,
    summarize,
)


def test_summary_of_an_odd_count_has_the_middle_value_as_median():
    summary = summarize([5.0, 1.0, 3.0, 9.0, 7.0])
    assert summary.median == 5.0
    assert (summary.low, summary.high) == (1.0, 9.0)
    assert (summary.q1, summary.q3) == (3.0, 7.0)
    assert summary.iqr == 4.0
    assert summary.spread == pytest.approx(8.0 / 5.0)


def test_summary_of_an_even_count_averages_the_middle_pair():
    summary = summarize([4.0, 1.0, 2.0, 3.0])
    assert summary.median == 2.5
    assert summary.values == (1.0, 2.0, 3.0, 4.0)
    assert (summary.q1, summary.q3) == (1.75, 3.25)


def test_summary_of_one_value_has_no_spread():
    summary = summarize([2.0])
    assert (summary.median, summary.q1, summary.q3, summary.spread) == (2.0, 2.0, 2.0, 0.0)


def test_summary_refuses_an_empty_list():
    with pytest.raises(ValueError, match="empty"):
        summarize([])


def test_rates_turn_timings_into_items_per_second_fastest_highest():
    summary = rates(1_000, [0.5, 2.0, 1.0])
    assert summary.values == (500.0, 1_000.0, 2_000.0)
    assert summary.median == 1_000.0


def test_rates_refuse_a_zero_timing():
    with pytest.raises(ValueError, match="positive"):
        rates(10, [1.0, 0.0])


def test_ratio_and_its_zero_reference():
    assert ratio(80_000, 100_000) == 0.8
    with pytest.raises(ValueError):
        ratio(1, 0)


def test_fit_line_recovers_known_points_exactly():
    xs = [0, 1_000_000, 2_000_000, 3_000_000]
    line = fit_line(xs, [2.0 + 0.5e-6 * x for x in xs])
    assert line.slope == pytest.approx(0.5e-6)
    assert line.intercept == pytest.approx(2.0)
    assert line.r_squared == pytest.approx(1.0)
    assert line.at(4_000_000) == pytest.approx(4.0)


def test_fit_line_of_scattered_points_matches_hand_computed_least_squares():
    # Means (2, 2): sxx = 2 and sxy = 1, so slope 0.5 and intercept 1; residuals 1.5 of 2.
    line = fit_line([1, 2, 3], [1, 3, 2])
    assert line.slope == pytest.approx(0.5)
    assert line.intercept == pytest.approx(1.0)
    assert line.r_squared == pytest.approx(0.25)


def test_fit_line_of_a_flat_series_has_zero_slope():
    assert fit_line([1, 2, 3, 4], [7, 7, 7, 7]).slope == 0


def test_fit_line_needs_two_distinct_x():
    with pytest.raises(ValueError, match="two points"):
        fit_line([1, 1], [2, 3])
    with pytest.raises(ValueError, match="y values"):
        fit_line([1, 2], [2])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_234_567, "1.23 Mrows/s"),
        (999, "999 rows/s"),
        (12_345, "12.3 krows/s"),
        (2_500_000_000, "2.50 Grows/s"),
        (0.5, "0.50 rows/s"),
    ],
)
def test_format_rate(value, expected):
    assert format_rate(value) == expected


def test_si_keeps_three_significant_digits():
    assert si(123_456, "B") == "123 kB"
    assert si(1_000_000, "") == "1.00 M"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.0042, "4.20 ms"), (0.25, "250 ms"), (12.345, "12.35 s"), (300, "5.0 min")],
)
def test_format_seconds(seconds, expected):
    assert format_seconds(seconds) == expected


def test_format_bytes_percent_and_count():
    assert format_bytes(1_610_612_736) == "1.50 GiB"
    assert format_bytes(3 * 1024 * 1024) == "3.00 MiB"
    assert format_bytes(512) == "512 B"
    assert format_percent(0.8123) == "81.2 %"
    assert format_count(1234567) == "1,234,567"
