"""Expectations shared by the HTTP-based probes: status ranges, body text, JSON paths."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from jadugar.outbound import quote

from .patterns import PatternError, compile_pattern, search

Ranges = list[tuple[int, int]] | tuple[tuple[int, int], ...]
# The expectations that need the response body as text.
BODY_EXPECTATIONS = frozenset({"body_contains", "body_regex", "json_path"})


def parse_status_ranges(value: Any) -> Ranges:
    """Read 200, "200-299", "2xx" or a list of those into inclusive (low, high) pairs."""
    items = value if isinstance(value, list | tuple) else [value]
    ranges = []
    for item in items:
        text = str(item).strip().lower()
        if re.fullmatch(r"\d{3}", text):
            ranges.append((int(text), int(text)))
        elif match := re.fullmatch(r"(\d{3})\s*-\s*(\d{3})", text):
            ranges.append((int(match[1]), int(match[2])))
        elif re.fullmatch(r"\dxx", text):
            ranges.append((int(text[0]) * 100, int(text[0]) * 100 + 99))
        else:
            raise ValueError(f"expect.status: cannot read {item!r} (use 200, '200-299' or '2xx')")
    if not ranges:
        raise ValueError("expect.status is empty")
    return ranges


def status_ranges(value: Any) -> Ranges:
    """parse_status_ranges, remembered: every run of a check asks for the same ranges."""
    try:
        return _cached_ranges(tuple(value) if isinstance(value, list) else value)
    except TypeError:  # unhashable garbage: let the parser say what is wrong with it
        return parse_status_ranges(value)


@functools.lru_cache(maxsize=1024)
def _cached_ranges(value: Any) -> Ranges:
    return tuple(parse_status_ranges(value))


def status_matches(code: int, ranges: Ranges) -> bool:
    return any(low <= code <= high for low, high in ranges)


def describe_ranges(ranges: Ranges) -> str:
    return ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in ranges)


def pattern_problem(expect: dict) -> str | None:
    """Why the stored body_regex cannot run (saved before RE2 was the engine), or None."""
    pattern = expect.get("body_regex")
    if pattern is None:
        return None
    try:
        compile_pattern(str(pattern))
    except PatternError as exc:
        return f"expect.body_regex {exc}"
    return None


async def body_failures(text: str, expect: dict, truncated_at: int | None) -> list[str]:
    """Return one sentence per unmet body expectation (empty when all hold). Errors name
    what was expected; of the body itself they quote at most 64 characters."""
    where = f" in the first {truncated_at} bytes" if truncated_at else ""
    failures = []
    needle = expect.get("body_contains")
    if needle is not None and str(needle) not in text:
        failures.append(f"body does not contain {str(needle)!r}{where}")
    pattern = expect.get("body_regex")
    if pattern is not None and not await search(str(pattern), text):
        failures.append(f"body does not match /{pattern}/{where}")
    if "json_path" in expect:
        failure = _json_failure(text, str(expect["json_path"]), expect.get("json_value"), where)
        if failure:
            failures.append(failure)
    return failures


_MISSING = object()


def _json_failure(text: str, path: str, wanted: Any, where: str) -> str | None:
    try:
        doc = json.loads(text)
    except RecursionError:  # a target's JSON nested deeper than Python reads
        return f"body JSON is nested too deep to read{where}"
    except ValueError:
        return f"body is not valid JSON{where}"
    found = lookup(doc, path)
    if found is _MISSING:
        return f"JSON path {path!r} not found"
    if found != wanted:
        return f"expected {path} == {wanted!r}, got {quote(found)}"
    return None


def lookup(doc: Any, path: str) -> Any:
    """Follow a dotted path like "data.items.0.name"; digits index into lists."""
    node = doc
    for part in path.split(".") if path else []:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and _is_index(part, len(node)):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _is_index(part: str, length: int) -> bool:
    return part.lstrip("-").isdigit() and -length <= int(part) < length
