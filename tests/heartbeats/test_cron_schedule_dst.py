"""Cron heartbeats read their schedule in a named time zone: across daylight saving changes
"02:30 every day" stays 02:30 local time, a skipped 02:30 is expected at 03:00, and a
repeated 02:30 is expected once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jadugar.checks.cron import next_due


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("schedule", "tz", "after", "due"), [
    # Berlin springs forward on 2026-03-29 (02:00 CET -> 03:00 CEST)
    ("0 3 * * *", "Europe/Berlin", utc(2026, 3, 28, 2, 0), utc(2026, 3, 29, 1, 0)),
    ("0 3 * * *", "Europe/Berlin", utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 1, 0)),
    ("30 2 * * *", "Europe/Berlin", utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0)),
    # ... and falls back on 2026-10-25 (03:00 CEST -> 02:00 CET): 02:30 happens twice
    ("30 2 * * *", "Europe/Berlin", utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30)),
    ("30 2 * * *", "Europe/Berlin", utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)),
    ("0 3 * * *", "Europe/Berlin", utc(2026, 10, 24, 1, 0), utc(2026, 10, 25, 2, 0)),
    # New York falls back on 2026-11-01
    ("0 9 * * 1-5", "America/New_York", utc(2026, 10, 30, 13, 0), utc(2026, 11, 2, 14, 0)),
    ("0 3 * * *", "UTC", utc(2026, 3, 28, 3, 0), utc(2026, 3, 29, 3, 0)),
])
def test_it_expects_the_next_run_in_local_time(schedule, tz, after, due):
    assert next_due(schedule, tz, after) == due
