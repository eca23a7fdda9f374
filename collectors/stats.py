"""Rolling numbers a collector reports about itself: checks per second and scheduling lag."""

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
        self._lock = threading.Lock()
        self.total = 0

    def record(self, lag_ms: float) -> None:
        with self._lock:
            self._runs.append((self.clock(), max(0.0, lag_ms)))
            self.total += 1

    def snapshot(self) -> dict[str, float | None]:
        """checks_per_s, lag_p50_ms and lag_p99_ms over the last minute."""
        now = self.clock()
        with self._lock:
            while self._runs and self._runs[0][0] < now - WINDOW_S:
                self._runs.popleft()
            lags = sorted(lag for _, lag in self._runs)
        span = min(WINDOW_S, max(1.0, now - self.started))
        return {"checks_per_s": round(len(lags) / span, 2),
                "lag_p50_ms": _percentile(lags, 0.50), "lag_p99_ms": _percentile(lags, 0.99)}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)
