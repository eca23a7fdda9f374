"""Request parsing shared by every resource: JSON bodies, scopes, pagination, time ranges."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Response, jsonify, request

from jadugar.errors import JadugarError
from jadugar.timeutil import parse_time

F = TypeVar("F", bound=Callable[..., Any])

MAX_LIMIT = 1000


def json_body(kind: type = dict) -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise JadugarError("the request body must be JSON", code="malformed_json")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise JadugarError(f"malformed JSON: {exc}", code="malformed_json") from None
    if not isinstance(body, kind):
        name = "an object" if kind is dict else "a list"
        raise JadugarError(f"the JSON body must be {name}", code="malformed_json")
    return body


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
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except ValueError:
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
