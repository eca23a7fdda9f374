"""Axis and hover formats that survive sparse data: every time chart is pinned to the chosen
range (one point no longer zooms the axis to milliseconds), ticks never show fractions of a
second, and durations carry a unit a person reads at a glance (`94 ms`, `18 min`).

Pure functions on numbers and datetimes, so the rules are unit-tested without a browser."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

import pandas as pd

from jadugar import humanize
from jadugar.services import ranges

# Below this many samples in a bucket p95 and min–max say nothing p50 does not (one sample
# puts all four on the same point): such buckets show p50 only.
MIN_BAND_SAMPLES = ranges.MIN_BAND_SAMPLES
# Up to this many points a series is drawn with markers too: a lone point of a line is
# invisible, and gaps between sparse points should not read as a continuous trend.
MARKER_POINTS = 60

# Tick formats by tick spacing (ms): seconds only when ticks are seconds apart, never
# fractions; dates once ticks are a day or more apart. Holds while the user drag-zooms.
TIME_TICK_STOPS = [
    {"dtickrange": [None, 60_000], "value": "%H:%M:%S"},
    {"dtickrange": [60_000, 86_400_000], "value": "%H:%M\n%b %-d"},
    {"dtickrange": [86_400_000, "M1"], "value": "%b %-d"},
    {"dtickrange": ["M1", "M12"], "value": "%b %Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]

# (unit, milliseconds per unit): the largest whose value stays readable (< 200 of it).
DURATION_UNITS = [("ms", 1.0), ("s", 1000.0), ("min", 60_000.0), ("h", 3_600_000.0)]


def number(value: float | None) -> str:
    """At most 2 decimals and 3 significant digits: 94.29161 → 94.3, 1234.5 → 1,235."""
    if value is None or pd.isna(value):
        return "–"
    size = abs(value)
    digits = 0 if size >= 100 else 1 if size >= 10 else 2
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def duration_ms(ms: float | None) -> str:
    """A duration given in milliseconds: `94 ms`, `1.2 s`, `18 min`, `2 h 5 min`."""
    if ms is None or pd.isna(ms):
        return "–"
    if abs(ms) < 1000:
        return f"{number(ms)} ms"
    return humanize.duration(ms / 1000)


def duration_unit(largest_ms: float | None) -> tuple[str, float]:
    """The axis unit for durations up to `largest_ms`: ms for a web check, min for a nightly
    job, so the axis never reads `1M ms`."""
    largest = 0.0 if largest_ms is None or pd.isna(largest_ms) else float(largest_ms)
    unit = DURATION_UNITS[0]
    for candidate in DURATION_UNITS[1:]:
        if largest >= 2 * candidate[1]:
            unit = candidate
    return unit


def every(seconds: int | float) -> str:
    """A check interval in its largest whole unit: `30 s`, `5 min`, `1 d` (not `86400 s`)."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{seconds:g} s"


def time_axis(start: datetime | pd.Timestamp, end: datetime | pd.Timestamp) -> dict[str, Any]:
    """x-axis settings pinning a time chart to [start, end] (wall-clock times)."""
    return {"type": "date", "range": [_iso(start), _iso(end)], "autorange": False,
            "tickformatstops": TIME_TICK_STOPS, "hoverformat": "%b %-d %H:%M:%S"}


def day_axis(start: datetime | pd.Timestamp, end: datetime | pd.Timestamp) -> dict[str, Any]:
    """x-axis for one bar per day: the whole days the range touches, whole-day ticks under
    the bars (which stand at noon)."""
    first = pd.Timestamp(start).floor("D")
    last = pd.Timestamp(end).ceil("D")
    if last == first:
        last += pd.Timedelta(days=1)
    days = (last - first).days
    return {"type": "date", "range": [_iso(first), _iso(last)], "autorange": False,
            "dtick": 86_400_000 * max(1, -(-days // 8)),
            "tick0": _iso(first + pd.Timedelta(hours=12)), "tickangle": 0,
            "tickformat": "%b %-d", "hoverformat": "%b %-d"}


def local_range(start: datetime, end: datetime, tz: str | None) -> tuple[pd.Timestamp,
                                                                           pd.Timestamp]:
    """A UTC window → naive wall-clock times in the browser's zone (as the figures' data)."""
    pair = pd.to_datetime(pd.Series([start, end]), utc=True)
    with contextlib.suppress(KeyError, ValueError, TypeError):
        pair = pair.dt.tz_convert(tz or "UTC")
    naive = pair.dt.tz_localize(None)
    return naive.iloc[0], naive.iloc[1]


def _iso(value: datetime | pd.Timestamp) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
