"""Times in settings lists as people say them ("3 days ago"), the exact UTC time on hover.
The clock is passed in so tests can pin it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dash import html

_UNITS = ((365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"),
          (86400, "day"), (3600, "hour"), (60, "minute"))


def ago(then: datetime, now: datetime) -> str:
    """'just now', '5 minutes ago', '3 days ago'; 'in 2 hours' for a time ahead."""
    seconds = (now - then).total_seconds()
    span = abs(seconds)
    for size, unit in _UNITS:
        if span >= size:
            n = int(span // size)
            text = f"{n} {unit}{'' if n == 1 else 's'}"
            return f"{text} ago" if seconds > 0 else f"in {text}"
    return "just now"


def when(stamp: datetime | str | None, now: datetime | None = None, empty: str = "–") -> Any:
    """A stored time (or the API's ISO text) as a span reading '3 days ago'."""
    if stamp in (None, ""):
        return empty
    then = datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    exact = then.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return html.Span(ago(then, now or datetime.now(UTC)), title=exact)
