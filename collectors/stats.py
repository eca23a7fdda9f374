"""Rolling numbers a collector reports about itself: checks per second, scheduling lag, and
how many of its results were failures (what tells an impaired collector from bad targets).

`impaired` is what the database last said about this collector (collector_status.report);
the jobs thread sets it and the probe engine reads it."""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW_S = 60.0


class Stats:
    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self._runs: deque[tuple[float, float]] = deque()  # (when, lag ms)
        self._outcomes: deque[tuple[float, bool]] = deque()  # (when, failed)
        self._lock = threading.Lock()
        self.total = 0
        self.impaired = False

    def record(self, lag_ms: float) -> None:
        with self._lock:
            self._runs.append((self.clock(), max(0.0, lag_ms)))
            self.total += 1

    def outcome(self, failed: bool) -> None:
        """A finished probe (after its retries): down or not."""
        with self._lock:
            self._outcomes.append((self.clock(), failed))

    def snapshot(self) -> dict[str, float | None]:
        """checks_per_s, lag_p50_ms, lag_p99_ms, recent_ok and recent_failed over the last
        minute."""
        now = self.clock()
        with self._lock:
            for runs in (self._runs, self._outcomes):
                while runs and runs[0][0] < now - WINDOW_S:
                    runs.popleft()
            lags = sorted(lag for _, lag in self._runs)
            failed = sum(1 for _, f in self._outcomes if f)
            ok = len(self._outcomes) - failed
        span = min(WINDOW_S, max(1.0, now - self.started))
        return {"checks_per_s": round(len(lags) / span, 2),
                "lag_p50_ms": _percentile(lags, 0.50), "lag_p99_ms": _percentile(lags, 0.99),
                "recent_ok": ok, "recent_failed": failed}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)
