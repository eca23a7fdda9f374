"""Writing a batch of results: history, current status, prometheus samples, then the
alert rules that depend only on the newest results. Falls back to the spool."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from jadugar import db
from jadugar.services import history, metrics
from jadugar.services.history import Row

from .alerting import evaluate_rules
from .alerting.facts import PER_BATCH
from .salvage import Unwritten, is_permanent, salvage
from .spool import Spool

log = logging.getLogger(__name__)


def write_batch(rows: list[Row], samples: list[tuple] | None = None,
                transaction: Callable = db.transaction) -> None:
    """One transaction for results (and scraped samples), a second one for alerting so an
    alerting bug can never cost a result."""
    with transaction() as conn:
        written = history.write_results(conn, rows)
        if samples:
            metrics.ingest(conn, samples)
    if written.check_ids:
        try:
            with transaction() as conn:
                evaluate_rules(conn, PER_BATCH, written.check_ids)
        except Exception:
            log.exception("alert evaluation failed for a batch")


class Writer:
    """Buffers results from the probes and flushes them every `every_s`; batches that
    cannot reach the database go to the spool, and the spool is replayed when it can."""

    def __init__(self, spool: Spool, write: Callable = write_batch, every_s: float = 0.5,
                 max_rows: int = 5000) -> None:
        self.spool, self.write, self.every_s, self.max_rows = spool, write, every_s, max_rows
        self.rows: list[Row] = []
        self.samples: list[tuple] = []
        self.db_ok = True
        self.written = 0
        self._wake = asyncio.Event()

    def add(self, row: Row, samples: list[tuple] | None = None) -> None:
        self.rows.append(row)
        if samples:
            self.samples.extend(samples)
        if len(self.rows) >= self.max_rows:
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.every_s)
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        rows, samples, self.rows, self.samples = self.rows, self.samples, [], []
        if rows or samples:
            await asyncio.to_thread(self._write_or_spool, rows, samples)
        if self.db_ok and self.spool.size:
            await self.replay()

    def _write_or_spool(self, rows: list[Row], samples: list[tuple]) -> None:
        try:
            self._write(rows, samples)
            self.db_ok = True
        except Unwritten as exc:  # the database is away: keep the results locally
            self._spool(exc.rows, exc.samples, exc.__cause__ or exc)

    def _write(self, rows: list[Row], samples: list[tuple]) -> None:
        """Write a batch. A part that can never be written is set aside and the rest is
        written (collectors/salvage.py); raises Unwritten while the database is away."""
        try:
            self.write(rows, samples)
            self.written += len(rows)
        except Exception as exc:
            if not is_permanent(exc):
                raise Unwritten(rows, samples) from exc
            self.written += salvage(rows, samples, self.write, self.spool.set_aside)

    def _spool(self, rows: list[Row], samples: list[tuple], exc: BaseException) -> None:
        if self.db_ok:
            log.warning("cannot write results (%s); spooling to %s",
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                        self.spool.path)
        self.db_ok = False
        self.spool.append(rows, samples)

    async def replay(self) -> None:
        try:
            await asyncio.to_thread(self.spool.replay, self._write)
        except Exception as exc:
            self.db_ok = False
            cause = exc.__cause__ or exc
            log.warning("spool replay failed: %s",
                        str(cause).splitlines()[0] if str(cause) else type(cause).__name__)
