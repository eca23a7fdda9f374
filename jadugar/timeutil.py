"""One clock: UTC timestamptz everywhere, converted only at the edges."""

from __future__ import annotations

from datetime import UTC, date, datetime

from jadugar.errors import Invalid


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_time(value: object, field: str) -> datetime | None:
    """ISO 8601 or Unix seconds → aware UTC datetime. None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        raise Invalid(f"{field} must be an ISO 8601 time or Unix seconds", field=field)
    if isinstance(value, int | float):
        return _from_epoch(float(value), field)
    if isinstance(value, str):
        text = value.strip()
        try:
            return _from_epoch(float(text), field)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise Invalid(f"{field} must be an ISO 8601 time or Unix seconds, not {value!r}",
                          field=field) from None
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise Invalid(f"{field} must be an ISO 8601 time or Unix seconds", field=field)


def _from_epoch(seconds: float, field: str) -> datetime:
    if not -62135596800 < seconds < 253402300800:
        raise Invalid(f"{field} is out of range", field=field)
    return datetime.fromtimestamp(seconds, UTC)


def parse_date(value: object, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise Invalid(f"{field} must be a date like 2026-12-31", field=field) from None


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()
