"""Lenient readers for provider payloads (GitHub, GitLab).

Providers add, drop and null fields between versions; a delivery must never fail with a
KeyError or TypeError because of that. Each reader returns None for anything missing,
null or of the wrong type, and the normaliser decides what is essential.
"""

from __future__ import annotations

from typing import Any

from jadugar.services.webhooks.errors import WebhookPayloadError

# Long enough for any real branch, name or URL; bounds what a hostile sender can store.
TEXT_LIMIT = 500
MESSAGE_LIMIT = 4000


def dig(data: Any, *path: str) -> Any:
    """data[path[0]][path[1]]..., or None as soon as a step is not a dict."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def message(value: Any) -> str | None:
    return text(value, limit=MESSAGE_LIMIT)


def text(value: Any, limit: int = TEXT_LIMIT) -> str | None:
    """A non-empty stripped string (ints become strings), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()[:limit] or None
    return None


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    # Bounded length: int() refuses strings past 4300 digits, and no real number is that long.
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 18:
        return int(value.strip())
    return None


def web_url(value: Any) -> str | None:
    """Only http(s) links: the UI renders them as hrefs, and javascript: must never get there."""
    link = text(value, limit=2000)
    if link and link.lower().startswith(("http://", "https://")):
        return link
    return None


def required(value: Any, field: str) -> str:
    """An essential identifier; without it there is nothing to file the build under."""
    found = text(value)
    if found is None:
        raise WebhookPayloadError(f"{field} is required", field=field)
    return found


def require_object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise WebhookPayloadError("the body must be a JSON object", field="body")
    return payload
