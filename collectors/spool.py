"""Results kept on local disk while PostgreSQL is unreachable, written later.

An append-only JSON-lines file, one line per batch: a JSON list of result rows, or, when the
batch carries scraped Prometheus samples, {"rows": [...], "samples": [...]}. (Lines of the
first kind are what older collectors wrote; both are read.)

Replay renames the file first, so new results keep appending to a fresh file while the old
one is written. The write path is idempotent (ON CONFLICT DO NOTHING on the history and
metrics keys), so a chunk that dies half-way is simply written again; the chunks before it
are done, and the replay file is cut down to what is left, so the next attempt resumes.

A batch that can never be written (its check was deleted, a value PostgreSQL refuses) is
not the spool's to keep: the writer sets it aside to `<name>.rejected.jsonl`, one line per
batch with the reason, and it is never retried.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from jadugar.services.history import Row

log = logging.getLogger(__name__)
REPLAY_CHUNK = 2000
# (application slug, metric name, labels, value, time), as collectors/engine.to_row makes.
Sample = tuple


class Spool:
    def __init__(self, folder: Path, name: str = "spool") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{name}.jsonl"
        self.replaying = folder / f"{name}.replay.jsonl"
        self.rejected = folder / f"{name}.rejected.jsonl"
        self._lock = threading.Lock()
        _end_line(self.path)
        # Results and samples waiting: what the collector reports as its spool size.
        self.size = sum(_count(p) for p in (self.path, self.replaying))

    def append(self, rows: list[Row], samples: list[Sample] | None = None) -> None:
        with self._lock:
            _append_line(self.path, encode_line(rows, samples))
            self.size += len(rows) + len(samples or ())

    def set_aside(self, rows: list[Row], samples: list[Sample] | None, reason: str) -> None:
        """Keep a batch that can never be written out of the way, and say so once."""
        line = {"at": datetime.now(UTC).isoformat(), "reason": reason,
                **_encode_parts(rows, samples)}
        with self._lock:
            _append_line(self.rejected, line)
        log.warning("set aside %s results and %s samples that cannot be written (%s) in %s",
                    len(rows), len(samples or ()), reason, self.rejected)

    def replay(self, write: Callable[[list[Row], list[Sample]], object]) -> int:
        """Write every spooled row and sample with `write`; returns how many. Raises if
        `write` does: the chunks written so far are dropped from the file, the rest stays
        and the next replay starts with it."""
        with self._lock:
            if not self.replaying.exists():
                if not self.path.exists():
                    self.size = 0
                    return 0
                self.path.rename(self.replaying)
        done = 0
        start = 0  # file offset where the unwritten chunk begins
        rows: list[Row] = []
        samples: list[Sample] = []
        try:
            for end, more_rows, more_samples in _batches(self.replaying):
                rows.extend(more_rows)
                samples.extend(more_samples)
                if len(rows) + len(samples) >= REPLAY_CHUNK:
                    write(rows, samples)
                    done, start, rows, samples = done + len(rows) + len(samples), end, [], []
            if rows or samples:
                write(rows, samples)
                done += len(rows) + len(samples)
        except Exception:
            self._keep_from(start, done)
            raise
        with self._lock:
            self.replaying.unlink()
            self.size = max(0, self.size - done)
        log.info("wrote %s spooled results and samples", done)
        return done

    def _keep_from(self, offset: int, done: int) -> None:
        """Cut the replay file down to what is not written yet (atomically: a crash here
        leaves either the old file or the new one, never half of one)."""
        with self._lock:
            self.size = max(0, self.size - done)
            if offset == 0:
                return
            partial = self.replaying.with_suffix(".partial")
            with open(self.replaying, "rb") as src, open(partial, "wb") as dst:
                src.seek(offset)
                while block := src.read(1 << 20):
                    dst.write(block)
                dst.flush()
                os.fsync(dst.fileno())
            partial.replace(self.replaying)


def encode_line(rows: list[Row], samples: list[Sample] | None) -> list | dict:
    if not samples:
        return [_encode(r) for r in rows]  # the original format, which every version reads
    return _encode_parts(rows, samples)


def _encode_parts(rows: list[Row], samples: list[Sample] | None) -> dict:
    return {"rows": [_encode(r) for r in rows],
            "samples": [[s[0], s[1], s[2], s[3], s[4].isoformat()] for s in samples or ()]}


def _append_line(path: Path, item: list | dict) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(item) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _end_line(path: Path) -> None:
    """A process killed mid-write leaves half a line; the next batch must not be glued to
    it (that line is then skipped as damaged, and the batch with it)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as f:
        f.seek(-1, os.SEEK_END)
        if f.read(1) != b"\n":
            f.write(b"\n")


def _encode(row: Row) -> list:
    return [row.check_id, row.ts.isoformat(), row.location, row.status, row.response_ms,
            row.status_code, row.error, row.details, row.collector]


def _decode(item: list) -> Row:
    item = list(item)
    item[1] = datetime.fromisoformat(item[1])
    return Row(*item)


def decode_line(line: str) -> tuple[list[Row], list[Sample]]:
    item = json.loads(line)
    if isinstance(item, list):
        return [_decode(i) for i in item], []
    samples = [(s[0], s[1], s[2], s[3], datetime.fromisoformat(s[4]))
               for s in item.get("samples", ())]
    return [_decode(i) for i in item["rows"]], samples


def _batches(path: Path) -> Iterator[tuple[int, list[Row], list[Sample]]]:
    """(offset after the line, rows, samples) for each intact line."""
    with open(path, "rb") as f:
        for raw in iter(f.readline, b""):
            try:
                rows, samples = decode_line(raw.decode("utf-8"))
            except (ValueError, TypeError, KeyError, IndexError):
                # A line cut short by a crash mid-write: everything before it is intact.
                log.warning("skipping a damaged spool line in %s", path)
                continue
            yield f.tell(), rows, samples


def _count(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(len(rows) + len(samples) for _, rows, samples in _batches(path))
