"""Time strings from CI providers → aware UTC datetimes.

Accepted: ISO 8601 ("2021-02-23T02:41:37.886Z", "2016-08-12T17:23:21+02:00"), GitLab's
Ruby format ("2016-08-12 15:23:28 UTC", "2021-04-28 21:50:00 +0200"), and Unix seconds as
a number or numeric string. Numbers above 10^11 are read as milliseconds, because that is
what Jenkins gives (`currentBuild.startTimeInMillis`) and 10^11 seconds is the year 5138.
A time without a zone is taken as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from jadugar.services.webhooks.errors import WebhookPayloadError

_RUBY = re.compile(r"^(?P<stamp>\d{4}-\d{2}-\d{2}[ T][\d:.]+)\s+(?P<zone>UTC|[+-]\d{2}:?\d{2})$")
_MILLIS_ABOVE = 1e11
_LATEST = 253402300800  # 10000-01-01: datetime cannot go further


def parse_time(value: Any, field: str) -> datetime | None:
    """Strict: None and "" are None; anything unreadable raises WebhookPayloadError."""
    if value is None or value == "":
        return None
    parsed = _parse(value)
    if parsed is None:
        raise WebhookPayloadError(
            f"{field} must be an ISO 8601 time or Unix seconds, not {value!r}"[:300], field=field)
    return parsed


def time_or_none(value: Any) -> datetime | None:
    """Lenient: an unreadable provider time is unknown, not a reason to drop the delivery."""
    return _parse(value)


def _parse(value: Any) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    stamp = value.strip()
    try:
        return _from_epoch(float(stamp))
    except ValueError:
        pass
    ruby = _RUBY.match(stamp)
    if ruby:
        zone = ruby["zone"]
        stamp = ruby["stamp"] + ("+00:00" if zone == "UTC" else zone)
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00").replace("z", "+00:00"))
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # overflow: year 1 or 9999 shifted past the range
        return None


def _from_epoch(seconds: float) -> datetime | None:
    if seconds != seconds:  # NaN compares unequal to itself
        return None
    if abs(seconds) > _MILLIS_ABOVE:
        seconds /= 1000
    if not 0 <= seconds < _LATEST:
        return None
    return datetime.fromtimestamp(seconds, UTC)
