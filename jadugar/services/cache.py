"""A few seconds' memory for aggregates that every open page asks for (the dashboard tiles,
the monitoring overview), dropped as soon as this process hears of a write.

1. Off by default: a process turns it on with `enable(ttl_s)` only once its event listener
   runs (`jadugar serve` workers), because an entry is only as fresh as the events that
   clear it. Tests, the collector and the CLI therefore always read the database.
2. `remember(key, compute)` returns the value computed less than `ttl_s` ago for the same key,
   or computes it. Callers get their own shallow copy, so a page that edits the result does
   not edit the cache.
3. `invalidate()` is called by the web process's listener for every event (jadugar.web.
   realtime.dispatch): each worker clears its own cache from its own LISTEN connection.
   Writes that publish no event (a new project, an application renamed) show within `ttl_s`.

An invalidation racing a computation wins: a value computed from a read that started before
the last invalidation is returned but not kept.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 256  # filters make keys; the overview's first pages are what repeats

_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, Any]] = {}
_ttl_s = 0.0
_generation = 0
stats = {"hits": 0, "misses": 0, "invalidations": 0}


def enable(ttl_s: float) -> None:
    """Keep aggregates for `ttl_s` seconds (0 turns the cache off)."""
    global _ttl_s
    with _lock:
        _ttl_s = max(0.0, float(ttl_s))
        _entries.clear()


def enabled() -> bool:
    return _ttl_s > 0


def invalidate() -> None:
    """Forget every entry (a write happened somewhere)."""
    global _generation
    with _lock:
        _generation += 1
        if _entries:
            _entries.clear()
        stats["invalidations"] += 1


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """The cached value for `key`, or `compute()` (kept for the next `ttl_s` seconds)."""
    if _ttl_s <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit is not None and now - hit[0] < _ttl_s:
            stats["hits"] += 1
            return copy.copy(hit[1])
        generation = _generation
        stats["misses"] += 1
    value = compute()
    with _lock:
        if generation == _generation:  # no write was heard while we read
            if len(_entries) >= MAX_ENTRIES:
                _entries.pop(next(iter(_entries)))
            _entries[key] = (now, value)
    return copy.copy(value)
