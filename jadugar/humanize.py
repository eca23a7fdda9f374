"""Numbers written for people, shared by the pages and by alert titles (which the collector
writes, so this module imports nothing from the web side)."""

from __future__ import annotations

import calendar
from datetime import date, datetime


def duration(seconds: float) -> str:
    """45 s, 1.2 s, 18 min, 2 h 5 min, 3 d 4 h: two units at most, whole numbers past a
    minute, at most one decimal below it."""
    if seconds < 10:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    if seconds < 90:
        return f"{round(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def day_span(first: date, last: date) -> str:
    """Days from `first` to `last`, both included: `November 2026` for a whole month,
    `5 Nov 2026`, `3–9 Nov 2026`, `20 Nov – 1 Dec 2026`, `28 Dec 2026 – 3 Jan 2027`."""
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    if first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]:
        return f"{first:%B %Y}"
    return f"{first.day}–{last.day} {last:%b %Y}"


def moment(at: datetime) -> str:
    """One way to write a time for people: `1 Dec 2026 07:20 UTC` (given in UTC)."""
    return f"{at.day} {at:%b %Y %H:%M} UTC"
