"""Results kept on local disk while PostgreSQL is unreachable, written later.

An append-only JSON-lines file (one line per batch). Replay renames it first, so new
results keep appending to a fresh file while the old one is written; the write path is
idempotent (ON CONFLICT DO NOTHING on the history key), so a replay that dies half-way is
simply done again.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from jadugar.services.history import Row

log = logging.getLogger(__name__)
REPLAY_CHUNK = 2000


class Spool:
    def __init__(self, folder: Path, name: str = "spool") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{name}.jsonl"
        self.replaying = folder / f"{name}.replay.jsonl"
        self._lock = threading.Lock()
        self.size = sum(_count(p) for p in (self.path, self.replaying))

    def append(self, rows: list[Row]) -> None:
        line = json.dumps([_encode(r) for r in rows]) + "\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
            self.size += len(rows)

    def replay(self, write: Callable[[list[Row]], object]) -> int:
        """Write every spooled row with `write`; returns how many. Raises if `write` does
        (the file stays and the next replay starts over)."""
        with self._lock:
            if not self.replaying.exists():
                if not self.path.exists():
                    return 0
                self.path.rename(self.replaying)
        done = 0
        chunk: list[Row] = []
        for rows in _batches(self.replaying):
            chunk.extend(rows)
            if len(chunk) >= REPLAY_CHUNK:
                write(chunk)
                done, chunk = done + len(chunk), []
        if chunk:
            write(chunk)
            done += len(chunk)
        with self._lock:
            self.replaying.unlink()
            self.size = max(0, self.size - done)
        log.info("wrote %s spooled results", done)
        return done


def _encode(row: Row) -> list:
    return [row.check_id, row.ts.isoformat(), row.location, row.status, row.response_ms,
            row.status_code, row.error, row.details, row.collector]


def _decode(item: list) -> Row:
    item = list(item)
    item[1] = datetime.fromisoformat(item[1])
    return Row(*item)


def _batches(path: Path) -> Iterator[list[Row]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                yield [_decode(i) for i in json.loads(line)]
            except (ValueError, TypeError):
                # A line cut short by a crash mid-write: everything before it is intact.
                log.warning("skipping a damaged spool line in %s", path)


def _count(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(len(rows) for rows in _batches(path))
