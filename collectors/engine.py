"""The probe engine: claim due checks → run them concurrently → hand results to the writer.

Concurrency is bounded by a semaphore and each probe by its own timeout, so one hanging
target holds one slot for at most its timeout. Checks are claimed up to a second ahead and
each waits for its due time, which keeps scheduling lag near zero. While the database is
unreachable the engine keeps running the checks it claimed last, on its own clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta

from jadugar import db
from jadugar.services.history import Row

from .probes import ProbeContext, Result, run_probe
from .scheduler import Claimed, claim_due_checks
from .stats import Stats
from .store import Writer

log = logging.getLogger(__name__)
AHEAD_S = 1.0
TICK_S = 0.1
DB_RETRY_S = 2.0


class Engine:
    def __init__(self, name: str, location: str, concurrency: int, ctx: ProbeContext,
                 writer: Writer, stats: Stats | None = None) -> None:
        self.name, self.location, self.ctx, self.writer = name, location, ctx, writer
        self.concurrency = max(1, concurrency)
        self.slots = asyncio.Semaphore(self.concurrency)
        self.stats = stats or Stats()
        self.pending: set[asyncio.Task] = set()
        self.known: dict[int, Claimed] = {}  # what we claimed last: run locally if DB is away
        self.offline = False
        self._next_db_try = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and start checks until `stop`, then let every claimed check finish."""
        while not stop.is_set():
            room = 2 * self.concurrency - len(self.pending)
            for claimed in await self._claim(room):
                task = asyncio.create_task(self._run_one(claimed))
                self.pending.add(task)
                task.add_done_callback(self.pending.discard)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TICK_S)
        if self.pending:
            log.info("finishing %s claimed checks", len(self.pending))
            await asyncio.gather(*self.pending, return_exceptions=True)

    async def _claim(self, room: int) -> list[Claimed]:
        if room <= 0:
            return []
        if self.offline and time.monotonic() < self._next_db_try:
            return self._claim_locally(room)
        try:
            claimed = await asyncio.to_thread(self._claim_from_db, room)
        except Exception as exc:
            if not self.offline:
                log.warning("cannot claim checks (%s); running the last known checks locally",
                            str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            self.offline = True
            self._next_db_try = time.monotonic() + DB_RETRY_S
            return self._claim_locally(room)
        if self.offline:
            log.info("database is back; claiming from it again")
        self.offline = False
        for c in claimed:
            self.known[c.spec.id] = c
        return claimed

    def _claim_from_db(self, room: int) -> list[Claimed]:
        with db.transaction() as conn:
            return claim_due_checks(conn, self.name, self.location, room, AHEAD_S)

    def _claim_locally(self, room: int) -> list[Claimed]:
        """Our own schedule for the checks we claimed last (the database cannot share)."""
        horizon = datetime.now(UTC) + timedelta(seconds=AHEAD_S)
        out = []
        for c in list(self.known.values()):
            if len(out) >= room:
                break
            next_due = c.due_at + timedelta(seconds=c.interval_s)
            if next_due <= horizon:
                moved = Claimed(c.spec, c.application, c.interval_s, c.retries, next_due)
                self.known[c.spec.id] = moved
                out.append(moved)
        return out

    async def _run_one(self, claimed: Claimed) -> None:
        """1. wait for the due time, 2. probe (with retries) inside a slot, 3. queue."""
        delay = (claimed.due_at - datetime.now(UTC)).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        async with self.slots:
            started = datetime.now(UTC)
            self.stats.record((started - claimed.due_at).total_seconds() * 1000)
            result = await run_probe(claimed.spec, self.ctx)
            for _ in range(claimed.retries):
                if result.status != "down":
                    break
                result = await run_probe(claimed.spec, self.ctx)
        self.writer.add(*to_row(claimed, result, started, self.location, self.name))


def to_row(claimed: Claimed, result: Result, started: datetime, location: str,
           collector: str) -> tuple[Row, list[tuple] | None]:
    """The history row, and scraped samples to store as metrics (prometheus checks)."""
    details = dict(result.details) if result.details else None
    samples = None
    if details and claimed.spec.type == "prometheus" and details.get("samples"):
        samples = [(claimed.application, name, labels, value, started)
                   for name, labels, value in details.pop("samples")
                   if isinstance(value, int | float) and value == value
                   and abs(value) != float("inf")]
    row = Row(claimed.spec.id, started, location, result.status, result.response_ms,
              result.status_code, result.error, details, collector)
    return row, samples
