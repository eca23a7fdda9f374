"""Strict readers for request bodies of the build-tracking API and UI forms.

Every reader names the field at fault in an `Invalid` (422), so the API can answer with the
field and a form can show the message beside it. None means "not given"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from jadugar.errors import Invalid
from jadugar.timeutil import parse_date, parse_time

TEXT_LIMIT = 500
MESSAGE_LIMIT = 4000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def only(body: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse unknown keys: a typo such as `stauts` must not pass silently."""
    extra = sorted(set(body) - set(allowed))
    if extra:
        raise Invalid(f"unknown field {extra[0]!r}", field=extra[0])


def text(body: Mapping[str, Any], name: str, *, required: bool = False,
         limit: int = TEXT_LIMIT) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"{name} is required", field=name)
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a string", field=name)
    if len(value) > limit:
        raise Invalid(f"{name} must be at most {limit} characters", field=name)
    return value.strip()


def integer(body: Mapping[str, Any], name: str, *, lo: int | None = None,
            hi: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{name} must be a whole number", field=name)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        span = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise Invalid(f"{name} must be {span}, not {value}", field=name)
    return value


def choice(body: Mapping[str, Any], name: str, choices: Iterable[str], *,
           required: bool = False) -> str | None:
    options = tuple(choices)
    value = body.get(name)
    if value is None:
        if required:
            raise Invalid(f"{name} is required (one of {', '.join(options)})", field=name)
        return None
    if not isinstance(value, str) or value not in options:
        raise Invalid(f"{name} must be one of {', '.join(options)}, not {value!r}", field=name)
    return value


def url(body: Mapping[str, Any], name: str) -> str | None:
    value = text(body, name, limit=2000)
    if value is not None and not value.startswith(("http://", "https://")):
        raise Invalid(f"{name} must start with http:// or https://", field=name)
    return value


def time(body: Mapping[str, Any], name: str) -> datetime | None:
    return parse_time(body.get(name), name)


def day(body: Mapping[str, Any], name: str) -> date | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{name} must be a date like 2026-12-31", field=name)
    return parse_date(value, name)


def slug(body: Mapping[str, Any], name: str = "slug") -> str:
    value = text(body, name, required=True, limit=63)
    assert value is not None
    if not SLUG.match(value):
        raise Invalid(f"{name} must be lower-case letters, digits and dashes (e.g. web-app)",
                      field=name)
    return value
