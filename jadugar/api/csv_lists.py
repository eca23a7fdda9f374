"""CSV from every list endpoint, through one hook.

A GET that asks for CSV (`Accept: text/csv`, or `?format=csv` from a browser link) and
answers a JSON list (`items`, or a metric's `points`) gets the same rows as CSV instead: one
column per key in the order the keys first appear, nested values as compact JSON, cells made
formula-safe by csv_export. Endpoints whose lists can be very long (builds, projects,
milestones, audit) stream their own CSV of every match and never reach this hook. For the
others a CSV page may hold up to CSV_MAX_LIMIT rows; when more follow, the `Link` header
(rel="next") and `X-Next-Cursor` say where to continue, as the JSON's next_cursor would."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Response, request

from jadugar.services.csv_export import lines

CSV_MAX_LIMIT = 50_000
ROW_KEYS = ("items", "points")


def wants_csv() -> bool:
    if request.args.get("format") == "csv":
        return True
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


def convert(response: Response) -> Response:
    """after_request for /api: a JSON list becomes CSV when the client asked for CSV."""
    if (request.method != "GET" or response.status_code != 200 or not response.is_json
            or not wants_csv()):
        return response
    body = response.get_json(silent=True)
    rows = next((body[k] for k in ROW_KEYS if isinstance(body, dict)
                 and isinstance(body.get(k), list)), None)
    if rows is None:
        return response  # one object, not a list: JSON is its only form
    out = Response("".join(lines(*_table(rows))), mimetype="text/csv")
    name = request.path.rstrip("/").rsplit("/", 1)[-1] or "export"
    out.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    cursor = body.get("next_cursor")
    if cursor:
        query = urlencode(request.args.to_dict() | {"cursor": cursor})
        out.headers["X-Next-Cursor"] = cursor
        out.headers["Link"] = f'<{request.path}?{query}>; rel="next"'
    return out


def _table(rows: list[Any]) -> tuple[list[str], list[list[Any]]]:
    header: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            header.update(dict.fromkeys(row))
    columns = list(header) or ["value"]
    return columns, [[_cell(row.get(c)) if isinstance(row, dict) else _cell(row)
                      for c in columns] for row in rows]


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
    return value
