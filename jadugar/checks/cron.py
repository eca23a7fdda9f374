"""Cron schedules of heartbeat checks: `schedule: "0 3 * * *"` read in the time zone `tz`,
so "3 in the morning" stays 3 in the morning across daylight saving changes.

A job is expected at each fire time; croniter gives them. Where clocks fall back, a wall
time such as 02:30 happens twice, and cron daemons run the job once: the second one is not
expected. Where clocks spring forward, a time that does not exist (02:30) is expected at
the first instant after the gap, as croniter says (03:00)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

DEFAULT_TZ = "UTC"


def schedule_problem(schedule: object) -> str | None:
    """Why `schedule` is not a five-field cron expression croniter reads, or None."""
    if not isinstance(schedule, str) or not schedule.strip():
        return "must be a cron expression like '0 3 * * *'"
    text = schedule.strip()
    if not text.startswith("@") and len(text.split()) != 5:
        return f"must have five fields (minute hour day month weekday), not {len(text.split())}"
    if not croniter.is_valid(text):
        return f"is not a cron expression croniter reads: {text!r}"
    return None


def zone(name: str) -> ZoneInfo:
    """The IANA zone (ValueError naming it when unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like "
                         "'Europe/Berlin')") from None


def next_due(schedule: str, tz: str, after: datetime) -> datetime:
    """The first expected fire time strictly after `after`, in UTC."""
    local, expr = zone(tz), schedule.strip()
    fires = croniter(expr, after.astimezone(local))
    candidate = fires.get_next(datetime)
    for _ in range(3):  # a repeated wall time is skipped once; nothing repeats thrice
        before = croniter(expr, candidate).get_prev(datetime)
        if before.replace(tzinfo=None) != candidate.replace(tzinfo=None):
            break
        candidate = fires.get_next(datetime)
    return candidate.astimezone(UTC)
