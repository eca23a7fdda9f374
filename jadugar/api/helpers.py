"""Request parsing shared by every resource: JSON bodies, scopes, pagination, time ranges."""

from __future__ import annotations

import base64
import json
import math
import re
from array import array
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any, TypeVar

from flask import Response, jsonify, request
from flask.json.provider import DefaultJSONProvider

from jadugar import limits
from jadugar.errors import Invalid, JadugarError
from jadugar.timeutil import parse_time

F = TypeVar("F", bound=Callable[..., Any])

MAX_LIMIT = 1000


def json_body(kind: type = dict) -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise JadugarError("the request body must be JSON", code="malformed_json")
    body = parse_json(raw)
    if not isinstance(body, kind):
        name = "an object" if kind is dict else "a list"
        raise JadugarError(f"the JSON body must be {name}", code="malformed_json")
    return body


def known_fields(body: dict[str, Any], known: Sequence[str]) -> dict[str, Any]:
    """`body` when every key is one of `known`; else 422 naming the first other one (a typo
    such as `threshhold` must not be ignored)."""
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise Invalid(f"unknown field {unknown[0]!r} (known: {', '.join(known)})",
                      field=unknown[0])
    return body


# A JSON string, escapes included: what it holds is never structure. Possessive, and an
# unterminated one runs to the end, so no input makes this scan slower than linear.
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
# Escapes PostgreSQL cannot store: NUL, and UTF-16 surrogates (a lone one is no character).
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def parse_json(raw: bytes | str, what: str = "body", depth: int = limits.JSON_DEPTH) -> Any:
    """The one parser for JSON a client sends (bodies, webhooks, cursors).

    1. Decode strict UTF-8 (RFC 8259); 2. count items and nesting depth on the text with
    the strings taken out, before any object is built; 3. parse, refusing NaN, Infinity
    and numbers too large for a float; 4. refuse NUL and lone surrogates. Each refusal is
    a 4xx that names the limit, never the RecursionError or MemoryError it prevents."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise JadugarError(f"the {what} is not UTF-8: {exc.reason} at byte {exc.start}",
                           code="malformed_json", field=what) from None
    _check_shape(text, what, depth)
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:  # _check_shape should have caught it; never a 500 regardless
        raise _too_deep(what, depth) from None
    except ValueError as exc:
        raise JadugarError(f"malformed JSON: {exc}", code="malformed_json",
                           field=what) from None
    if _SUSPECT_ESCAPE.search(text):
        _check_strings(value, what)
    return value


def _check_shape(text: str, what: str, depth: int) -> None:
    bare = _STRING.sub("", text)
    items = bare.count(",") + bare.count("[") + bare.count("{")
    if items > limits.JSON_ITEMS:
        raise JadugarError(f"the JSON {what} has more than {limits.JSON_ITEMS} items",
                           code="json_too_many_items", status=413, field=what)
    # The running sum of +1 per opening and -1 per closing bracket is the depth; summed
    # in C (accumulate over signed bytes), since a body may hold a million brackets.
    steps = _NOT_BRACKET.sub("", bare).encode().translate(_DEPTH_STEPS)
    if steps and max(accumulate(array("b", steps))) > depth:
        raise _too_deep(what, depth)


def _too_deep(what: str, depth: int) -> JadugarError:
    return JadugarError(f"the JSON {what} nests deeper than {depth} levels",
                        code="json_too_deep", field=what)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"number {literal[:40]} is too large")
    return value


def _check_strings(value: Any, what: str) -> None:
    """Walk every key and string (only when the text has a suspect escape: it is rare)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                raise JadugarError(f"the JSON {what} has a NUL character (\\u0000), which "
                                   "cannot be stored", code="malformed_json", field=what)
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise JadugarError(f"the JSON {what} has a lone UTF-16 surrogate "
                                   "(\\ud800-\\udfff), which is not a character",
                                   code="malformed_json", field=what) from None


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, reading through parse_json: request.get_json(), which Dash's
    callback route uses, gets the same limits as the API (a deeper one: component props)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if kwargs:  # our own code asking for hooks: not a client's request body
            return super().loads(s, **kwargs)
        return parse_json(s, depth=limits.JSON_DEPTH_PAGES)


def created(body: dict[str, Any], status: int = 201) -> tuple[Response, int]:
    return jsonify(body), status


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within [low, high]; the error names it."""
    raw = request.args.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise JadugarError(f"{name} must be a whole number", field=name) from None
    if not low <= value <= high:
        raise JadugarError(f"{name} must be between {low} and {high}", field=name)
    return value


def limit_arg(default: int = 100) -> int:
    """Rows per page; a CSV page may be larger (csv_lists turns the page into CSV)."""
    from jadugar.api.csv_lists import CSV_MAX_LIMIT, wants_csv

    if wants_csv():
        return int_arg("limit", CSV_MAX_LIMIT, 1, CSV_MAX_LIMIT)
    return int_arg("limit", default, 1, MAX_LIMIT)


def time_args() -> tuple[Any, Any]:
    since = parse_time(request.args.get("since"), "since")
    until = parse_time(request.args.get("until"), "until")
    if since and until and since > until:
        raise JadugarError("since must be before until", field="since")
    return since, until


def encode_cursor(values: Sequence[Any]) -> str:
    data = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def cursor_arg() -> list[Any] | None:
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        values = parse_json(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), "cursor")
    except (ValueError, JadugarError):
        raise JadugarError("cursor is not one this API handed out", field="cursor") from None
    if not isinstance(values, list):
        raise JadugarError("cursor is not one this API handed out", field="cursor")
    return values


def page(items: list[dict[str, Any]], rows: Sequence[Any], limit: int,
         key: Callable[[Any], Sequence[Any]]) -> dict[str, Any]:
    """Items of one page: rows were fetched with limit + 1 so we know whether more follow."""
    more = len(rows) > limit
    return {"items": items[:limit],
            "next_cursor": encode_cursor(key(rows[limit - 1])) if more else None}


def refuse_nul_bytes() -> None:
    """before_request for /api: PostgreSQL text cannot hold NUL, so say which parameter has
    one instead of failing deep inside a query."""
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise JadugarError("query parameters must not contain NUL bytes",
                               field=key.replace("\x00", ""))
