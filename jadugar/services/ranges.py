"""Time ranges for charts: named ranges (1h..1y) or custom, and the bucket size that keeps a
series under a point budget."""

from __future__ import annotations

from datetime import datetime, timedelta

from jadugar.errors import Invalid
from jadugar.timeutil import parse_time, utcnow

RANGES = {
    "1h": timedelta(hours=1), "6h": timedelta(hours=6), "24h": timedelta(hours=24),
    "7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90),
    "1y": timedelta(days=365),
}
# Bucket sizes a person can read on an axis; the smallest that fits the budget wins.
STEPS = [timedelta(seconds=s) for s in (
    10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800,
    604800)]
MAX_POINTS = 2000
# Percentile bands need this many samples per bucket to mean something (see band_budget).
MIN_BAND_SAMPLES = 5
ORIGIN = datetime.fromisoformat("2000-01-01T00:00:00+00:00")


def resolve(name: str | None, since: object = None, until: object = None,
            now: datetime | None = None) -> tuple[datetime, datetime]:
    """(since, until) for a named range, or the custom since/until (ISO or Unix seconds)."""
    now = now or utcnow()
    if name == "custom" or (name is None and since):
        start = parse_time(since, "since")
        end = parse_time(until, "until") or now
        if start is None:
            raise Invalid("a custom range needs a start", field="since")
        if start >= end:
            raise Invalid("since must be before until", field="since")
        if end - start > timedelta(days=3660):
            raise Invalid("a range can span at most ten years", field="since")
        return start, end
    span = RANGES.get(name or "24h")
    if span is None:
        raise Invalid(f"range must be one of {', '.join(RANGES)} or custom", field="range")
    return now - span, now


def step_for(since: datetime, until: datetime, max_points: int = MAX_POINTS) -> timedelta:
    """The smallest readable bucket that keeps (until - since) / step under max_points."""
    if not 1 <= max_points <= 10000:
        raise Invalid("max_points must be between 1 and 10000", field="max_points")
    span = until - since
    for step in STEPS:
        if span / step <= max_points:
            return step
    return span / max_points


def band_budget(span_s: float, samples: float | None, most: int = MAX_POINTS) -> int:
    """How many buckets to ask for so each holds MIN_BAND_SAMPLES of `samples` results;
    when even 24 such buckets do not fit (a daily heartbeat), every result gets its own
    point instead (`most`)."""
    if not samples or samples <= 0 or span_s <= 0:
        return most
    points = samples / MIN_BAND_SAMPLES
    return most if points < 24 else int(min(most, points))
