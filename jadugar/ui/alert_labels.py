"""Alert rules and alerts in words: rule kinds as people say them, and how long an alert has
been firing or took to resolve."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jadugar import humanize

KIND_LABELS = {
    "consecutive_failures": "Fails several times in a row",
    "failures_in_window": "Fails often within a window",
    "uptime_below": "Uptime below",
    "latency_p95_above": "p95 response time above",
    "metric_threshold": "Metric crosses a threshold",
    "heartbeat_missed": "Heartbeat missed",
    "run_duration": "Job runs too long",
    "certificate_expiry": "Certificate expires soon",
    "degraded_for": "Degraded for a while",
}


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", (kind or "").replace("_", " ").capitalize())


def kind_options(kinds: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"label": kind_label(k), "value": k} for k in kinds]


def lasted(alert: Any, now: datetime) -> str:
    """`firing for 18 min`, `acknowledged, open 2 h 5 min`, `resolved after 3 min`."""
    if alert.fired_at is None:
        return ""
    if alert.resolved_at is not None:
        span = (alert.resolved_at - alert.fired_at).total_seconds()
        return f"resolved after {humanize.duration(max(0.0, span))}"
    span = humanize.duration(max(0.0, (now - alert.fired_at).total_seconds()))
    return f"firing for {span}" if alert.state == "firing" else f"open for {span}"
