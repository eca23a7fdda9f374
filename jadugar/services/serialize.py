"""Rows to JSON-ready dicts: times as ISO 8601 UTC, nothing secret."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jadugar.timeutil import iso


def value(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return iso(v)
    if isinstance(v, Decimal):
        return float(v)
    return v


def row_dict(row: Any, exclude: Iterable[str] = ()) -> dict[str, Any]:
    skip = set(exclude)
    return {k: value(v) for k, v in row._mapping.items() if k not in skip}
