"""The probe engine: claim due checks → start each at its due time → probe → queue the result.

Checks are claimed up to AHEAD_S early and planned into SLOT_S-wide time slots: one loop
timer per slot starts every check due in it, so waiting for due times costs no task, sleep
or timer per check. At most `concurrency` probes run at once (a counter, not a semaphore:
checks that find every slot busy wait in a FIFO and start as others finish), and each probe
is bounded by its own timeout, so one hanging target holds one slot for at most that long.
While the database is unreachable the engine keeps running the checks it claimed last, on
its own clock.

An impaired collector (services/collector_health.py) claims only checks pinned to its
location; every SHADOW_EVERY_S it probes a few unpinned checks without storing the results,
only counting them, so it sees when its network is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from datetime import UTC, datetime, timedelta

from jadugar import db
from jadugar.checks import registry
from jadugar.services.history import Row

from .probes import ProbeContext, Result, run_probe
from .scheduler import Claimed, claim_due_checks, sample_checks
from .stats import Stats
from .store import Writer

log = logging.getLogger(__name__)
AHEAD_S = 1.0
# Claiming is a database round trip; four a second keeps checks claimed 0.75-1 s ahead.
TICK_S = 0.25
# Checks due within one slot start together: up to 10 ms late, one timer for all of them.
SLOT_S = 0.01
DB_RETRY_S = 2.0
SHADOW_EVERY_S = 10.0
SHADOW_CHECKS = 5


class Engine:
    def __init__(self, name: str, location: str, concurrency: int, ctx: ProbeContext,
                 writer: Writer, stats: Stats | None = None) -> None:
        self.name, self.location, self.ctx, self.writer = name, location, ctx, writer
        self.concurrency = max(1, concurrency)
        self.stats = stats or Stats()
        self.slots: dict[int, list[tuple[float, Claimed]]] = {}  # slot → (due, check)
        self.planned = 0  # claimed, not yet due
        self.waiting: deque[tuple[float, Claimed]] = deque()  # due, every probe slot busy
        self.running: set[asyncio.Task] = set()
        self.known: dict[int, Claimed] = {}  # what we claimed last: run locally if DB is away
        self.offline = False
        self._next_db_try = 0.0
        self._next_shadow = 0.0
        self._shadow_task: asyncio.Task | None = None  # held: a bare task may be collected
        self._loop: asyncio.AbstractEventLoop | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and plan checks until `stop`, then let every claimed check run and finish."""
        self._loop = asyncio.get_running_loop()
        while not stop.is_set():
            # Only checks that are due and still wait for a probe slot count against the
            # claim: those claimed ahead are bounded by the due rate × AHEAD_S anyway, and
            # counting them starved the claim at about 2 × concurrency checks per second.
            for claimed in await self._claim(2 * self.concurrency - len(self.waiting)):
                self._plan(claimed)
            if self.stats.impaired and time.monotonic() >= self._next_shadow:
                self._next_shadow = time.monotonic() + SHADOW_EVERY_S
                self._shadow_task = asyncio.create_task(self._shadow())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TICK_S)
        if self.planned or self.waiting or self.running:
            log.info("finishing %s claimed checks",
                     self.planned + len(self.waiting) + len(self.running))
        while self.planned or self.waiting or self.running:
            if self.running:
                await asyncio.wait(set(self.running))
            else:
                await asyncio.sleep(SLOT_S)

    def _plan(self, claimed: Claimed) -> None:
        """Put the check in the slot of its due time (a past due time: the next slot)."""
        loop = self._loop
        assert loop is not None
        due = loop.time() + (claimed.due_at - datetime.now(UTC)).total_seconds()
        slot = math.ceil(due / SLOT_S)
        planned = self.slots.get(slot)
        if planned is None:
            self.slots[slot] = planned = []
            loop.call_at(slot * SLOT_S, self._start_slot, slot)
        planned.append((due, claimed))
        self.planned += 1

    def _start_slot(self, slot: int) -> None:
        due_now = self.slots.pop(slot)
        self.planned -= len(due_now)
        self.waiting.extend(due_now)
        self._start_waiting()

    def _start_waiting(self) -> None:
        loop = self._loop
        assert loop is not None
        while self.waiting and len(self.running) < self.concurrency:
            due, claimed = self.waiting.popleft()
            self.stats.record((loop.time() - due) * 1000)
            task = loop.create_task(self._probe(claimed))
            self.running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self.running.discard(task)
        if self.waiting:
            self._start_waiting()

    async def _probe(self, claimed: Claimed) -> None:
        """Probe (with retries) and queue the result for the writer."""
        started = datetime.now(UTC)
        result = await run_probe(claimed.spec, self.ctx)
        for _ in range(claimed.retries):
            if result.status != "down":
                break
            result = await run_probe(claimed.spec, self.ctx)
        self.stats.outcome(result.status == "down")
        self.writer.add(*to_row(claimed, result, started, self.location, self.name))

    async def _shadow(self) -> None:
        """Probe a few unpinned checks and only count the outcomes (see the module doc)."""
        try:
            sample = await asyncio.to_thread(self._sample)
        except Exception:  # the database is away: the next tick tries again
            return
        results = await asyncio.gather(*(run_probe(c.spec, self.ctx) for c in sample))
        for result in results:
            self.stats.outcome(result.status == "down")

    def _sample(self) -> list[Claimed]:
        with db.transaction() as conn:
            return sample_checks(conn, SHADOW_CHECKS)

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
            return claim_due_checks(conn, self.name, self.location, room, AHEAD_S,
                                    shared=not self.stats.impaired)

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


def to_row(claimed: Claimed, result: Result, started: datetime, location: str,
           collector: str) -> tuple[Row, list[tuple] | None]:
    """The history row, and scraped samples to store as metrics (types that keep samples,
    like prometheus)."""
    details = dict(result.details) if result.details else None
    samples = None
    kind = registry.get(claimed.spec.type)
    if details and kind and kind.keeps_samples and details.get("samples"):
        samples = [(claimed.application, name, labels, value, started)
                   for name, labels, value in details.pop("samples")
                   if isinstance(value, int | float) and value == value
                   and abs(value) != float("inf")]
    row = Row(claimed.spec.id, started, location, result.status, result.response_ms,
              result.status_code, result.error, details, collector)
    return row, samples
