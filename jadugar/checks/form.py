"""Readers and writers for the check form's fields: what a browser sends (text, numbers,
switches) ↔ the JSON a check stores. A reader raises ValueError with a sentence that reads
beside its field; whether the value is acceptable is the schema's business, not theirs."""

from __future__ import annotations

import json
from typing import Any


def number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError("must be a number") from None


def whole(value: Any) -> int:
    return int(number(value))


def flag(value: Any) -> bool:
    if value not in (True, False, None):
        raise ValueError("must be on or off")
    return bool(value)


def stripped(value: Any) -> str:
    return str(value).strip()


def comma_list(value: Any) -> list[str]:
    """"a, b" → ["a", "b"]."""
    return [s.strip() for s in str(value).split(",") if s.strip()]


def comma_text(value: Any) -> str:
    return ", ".join(map(str, value if isinstance(value, list) else [value]))


def header_lines(value: Any) -> dict[str, str]:
    """One "Name: value" a line → {"Name": "value"}."""
    out: dict[str, str] = {}
    for n, line in enumerate(str(value).splitlines(), 1):
        if not line.strip():
            continue
        name, sep, val = line.partition(":")
        if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
            raise ValueError(f"line {n}: write headers as 'Name: value'")
        out[name.strip()] = val.strip()
    return out


def header_text(value: dict) -> str:
    return "\n".join(f"{k}: {v}" for k, v in value.items())


def pairs(value: Any) -> dict[str, str]:
    """"job=api, env=prod" → {"job": "api", "env": "prod"}."""
    out: dict[str, str] = {}
    for item in comma_list(value):
        name, sep, val = item.partition("=")
        if not sep or not name.strip():
            raise ValueError("write name=value pairs, separated by commas")
        out[name.strip()] = val.strip().strip('"')
    return out


def pairs_text(value: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in value.items())


def json_or_text(value: Any) -> Any:
    """A value compared by type, so "3" and 3 differ: JSON when it parses (3, true, null,
    "ok"), else the text itself (ok)."""
    try:
        return json.loads(str(value))
    except (ValueError, RecursionError):  # text; so is JSON nested too deep to read
        return str(value)


def json_text(value: Any) -> str:
    # Text that would read back as something else (a string "3") keeps its JSON quotes.
    if isinstance(value, str):
        try:
            json.loads(value)
        except (ValueError, RecursionError):
            return value
    return json.dumps(value)
