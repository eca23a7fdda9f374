"""Axis, tick and unit rules of the charts (jadugar/ui/chart_format.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jadugar.ui import chart_format as fmt


@pytest.mark.parametrize(("value", "text"), [
    (94.29161, "94.3"), (1234.5, "1,234"), (9.4321, "9.43"), (0.5, "0.5"), (100, "100"),
    (None, "–"), (-12.345, "-12.3"),
])
def test_it_writes_numbers_with_at_most_two_decimals(value, text):
    assert fmt.number(value) == text


@pytest.mark.parametrize(("ms", "text"), [
    (94.29161, "94.3 ms"), (1200, "1.2 s"), (18 * 60_000, "18 min"),
    (125 * 60_000, "2 h 5 min"), (1094548, "18 min"), (None, "–"),
])
def test_it_writes_durations_with_their_unit(ms, text):
    assert fmt.duration_ms(ms) == text


@pytest.mark.parametrize(("largest", "unit"), [
    (None, "ms"), (float("nan"), "ms"), (180, "ms"), (1999, "ms"), (2500, "s"), (1_094_548, "min"),
    (3 * 3_600_000, "h"),
])
def test_it_picks_an_axis_unit_that_never_reads_a_million_ms(largest, unit):
    assert fmt.duration_unit(largest)[0] == unit


@pytest.mark.parametrize(("seconds", "text"), [
    (86400, "1 d"), (3600, "1 h"), (300, "5 min"), (90, "90 s"), (30, "30 s"), (7200, "2 h"),
])
def test_it_writes_check_intervals_in_whole_units(seconds, text):
    assert fmt.every(seconds) == text


def test_it_pins_a_time_axis_and_never_ticks_below_a_second():
    axis = fmt.time_axis(datetime(2026, 11, 28), datetime(2026, 11, 30))
    assert axis["range"] == ["2026-11-28 00:00:00", "2026-11-30 00:00:00"]
    assert axis["autorange"] is False
    assert not any("%L" in s["value"] or "%f" in s["value"] for s in axis["tickformatstops"])


def test_it_gives_day_charts_whole_days_and_whole_day_ticks():
    axis = fmt.day_axis(datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
                        datetime(2026, 11, 27, 9, 30, tzinfo=UTC))
    assert axis["range"] == ["2026-11-20 00:00:00", "2026-11-28 00:00:00"]
    assert axis["dtick"] % 86_400_000 == 0


def test_it_converts_a_window_to_the_browsers_wall_clock():
    start, end = fmt.local_range(datetime(2026, 7, 1, 12, tzinfo=UTC),
                                 datetime(2026, 7, 2, 12, tzinfo=UTC), "Europe/Berlin")
    assert (start.hour, end.hour, start.tzinfo) == (14, 14, None)
    start, _ = fmt.local_range(datetime(2026, 7, 1, 12, tzinfo=UTC),
                               datetime(2026, 7, 2, 12, tzinfo=UTC), "Not/AZone")
    assert start.hour == 12

