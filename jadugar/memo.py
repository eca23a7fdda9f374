"""A per-process memo of pure results (what a series key parses to, whether it is within the
limits) that empties itself when full.

Clients send the same series in every batch, so a hit is the rule; an attacker sending new
keys only ever costs `limit` entries. Emptying instead of evicting keeps the hot path to one
dict lookup, and a result can never go stale: it depends on the key alone.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: K, value: V) -> None:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
