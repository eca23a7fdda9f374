"""The old `expect` keys of the HTTP checks, said as conditions.

The probes still judge these keys themselves (same messages as ever, so nothing stored
changes meaning); `translate` says the same thing in the conditions language, so the Settings
form and docs can show it and a check can be rewritten by hand. body_regex has no
counterpart (the language has globs, not regular expressions) and neither has a json_value
that is a list or an object: those keys are returned as left over.
"""

from __future__ import annotations

import json
from typing import Any

from .expect import status_ranges

MAX_LISTED_CODES = 100


def translate(expect: dict) -> tuple[list[str], list[str]]:
    """(conditions, keys left as they are) for an http(s) check's `expect`."""
    out: list[str] = []
    left: list[str] = []
    if "status" in expect:
        out += status_conditions(expect["status"])
    if expect.get("max_response_ms") is not None:
        out.append(f"degraded: [RESPONSE_TIME] <= {expect['max_response_ms']:g}")
    if expect.get("body_contains") is not None:
        glob = "*" + _glob_escape(str(expect["body_contains"])) + "*"
        out.append(f"[BODY] == pat({_quoted(glob)})")
    if "json_path" in expect:
        value = expect.get("json_value")
        if isinstance(value, list | dict):
            left += ["json_path", "json_value"]
        else:
            out.append(f"{json_placeholder(str(expect['json_path']))} == {_literal(value)}")
    if "body_regex" in expect:
        left.append("body_regex")
    return out, left


def status_conditions(value: Any) -> list[str]:
    ranges = list(status_ranges(value))
    if len(ranges) == 1:
        low, high = ranges[0]
        if low == high:
            return [f"[STATUS] == {low}"]
        return [f"[STATUS] >= {low}", f"[STATUS] <= {high}"]
    items: list[str] = []
    for low, high in ranges:
        if low % 100 == 0 and high == low + 99:
            items.append(f"pat({low // 100}??)")
        else:
            items += [str(code) for code in range(low, min(high, low + MAX_LISTED_CODES) + 1)]
    return [f"[STATUS] == any({', '.join(items)})"]


def json_placeholder(path: str) -> str:
    """"data.items.0.id" (the old dotted path) → "[BODY].data.items[0].id"."""
    parts = [f"[{p}]" if p.lstrip("-").isdigit() else f".{p}" for p in path.split(".") if p]
    return "[BODY]" + "".join(parts)


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return _quoted(value)
    return json.dumps(value)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?\\" else c for c in text)
