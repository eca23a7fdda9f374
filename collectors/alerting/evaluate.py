"""Apply each rule's decision: remember pending breaches, fire, remind, resolve."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Connection, text

from jadugar.humanize import duration
from jadugar.services import alerts

from .decide import Decision, RuleState, decide
from .facts import KIND_FACTS, rule_facts

DESCRIBE = {
    "consecutive_failures": "failed {value:g} times in a row",
    "failures_in_window": "{value:g} recent checks failed",
    "uptime_below": "uptime {value:.2f}% is below {threshold:g}%",
    "latency_p95_above": "p95 response time {value:.0f} ms is above {threshold:g} ms",
    "metric_threshold": "metric is {value:g} (threshold {threshold:g})",
    "heartbeat_missed": "no successful ping for {value:duration}",
    "run_duration": "the last run took {value:.1f} s",
    "certificate_expiry": "certificate expires in {value:.1f} days",
    "degraded_for": "degraded for {value:duration}",
}


def evaluate_rules(conn: Connection, kinds: tuple[str, ...] | None = None,
                   check_ids: list[int] | None = None) -> Counter:
    """Evaluate rules of `kinds` (all by default); returns how many of each decision."""
    now = conn.execute(text("select now()")).scalar_one()
    done: Counter = Counter()
    for kind in kinds or tuple(KIND_FACTS):
        for rule in rule_facts(conn, kind, check_ids):
            decision = decide(_state(rule), now)
            _apply(conn, rule, decision, now)
            done[decision.value] += 1
    return done


def _state(rule: Any) -> RuleState:
    return RuleState(breaching=rule.breaching, recovered=rule.recovered, for_s=rule.for_s,
                     repeat_s=rule.repeat_s, pending_since=rule.pending_since,
                     open_state=rule.open_state, last_notified_at=rule.last_notified_at,
                     silenced=rule.silenced, notified=rule.notify_count or 0,
                     max_reminders=rule.max_reminders)


def _apply(conn: Connection, rule: Any, decision: Decision, now: Any) -> None:
    if decision is Decision.PEND:
        _set_pending(conn, rule.id, now)
    elif decision is Decision.CLEAR:
        _set_pending(conn, rule.id, None)
    elif decision is Decision.FIRE:
        _set_pending(conn, rule.id, None)
        alerts.fire(conn, rule, title(rule), message(rule))
    elif decision is Decision.RESOLVE:
        _set_pending(conn, rule.id, None)
        alerts.auto_resolve(conn, rule.open_id, notify=not rule.silenced)
    elif decision is Decision.REMIND:
        alerts.remind(conn, rule.open_id)


def _set_pending(conn: Connection, rule_id: int, since: Any) -> None:
    conn.execute(text("update alert_rules set pending_since = :s where id = :id"),
                 {"s": since, "id": rule_id})


def title(rule: Any) -> str:
    where = f"{rule.app_name} / {rule.check_name}" if rule.check_name else rule.app_name
    return f"{where}: {describe(rule)}"


def describe(rule: Any) -> str:
    if rule.kind == "heartbeat_missed" and rule.last_error and not rule.last_error.startswith(
            "no ping since"):
        # The job pinged /fail: say so, with its own words, rather than a silence.
        return f"the job reported a failure: {rule.last_error[:200]}"
    template = DESCRIBE[rule.kind]
    try:
        return template.format(value=_Value(rule.value or 0), threshold=rule.threshold or 0)
    except (TypeError, ValueError):
        return rule.kind.replace("_", " ")


class _Value(float):
    """A rule's value; the format spec `duration` writes seconds for people (2 h 5 min)."""

    def __format__(self, spec: str) -> str:
        return duration(float(self)) if spec == "duration" else format(float(self), spec)


def message(rule: Any) -> str:
    parts = [describe(rule)]
    if rule.last_error:
        parts.append(f"last error: {rule.last_error}")
    return "\n".join(parts)
