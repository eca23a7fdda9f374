"""Filters kept in the page's URL, so a reload or a shared link shows the same view.

A page puts `dcc.Location(id=f"{prefix}-url", refresh=False)` in its layout, takes its
filters as `layout()` keyword arguments (Dash passes the query string), and writes them back
with a callback returning `query(...)` into that Location's `search`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode


def query(**params: Any) -> str:
    """`?q=shop&tag=web` from the non-empty values; "" when there are none."""
    kept = {k: v for k, v in params.items() if v not in (None, "", [])}
    return "?" + urlencode(kept) if kept else ""


def choice(value: str | None, allowed: Iterable[Any], default: Any = None) -> Any:
    """A value from the URL if it is one the control offers, else the default: a stale or
    hand-edited link shows the default view rather than an empty menu."""
    values = {o["value"] if isinstance(o, dict) else o for o in allowed}
    return value if value in values else default
