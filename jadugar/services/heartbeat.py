"""Heartbeat (push) checks: a cron job pings us; silence past interval + grace is down.

- `ping(conn, token, "success")` records an up result (with the run's duration when a
  `start` ping came first), `"start"` notes the start, `"fail"` records a down result.
- `mark_overdue(conn, location)` (run by the collector) writes a down result for each check
  whose last ping, or last overdue result, is older than interval + grace.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid, NotFound
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow

KINDS = ("success", "start", "fail")
LOCATION = "push"


def ping(conn: Connection, token: str, kind: str = "success",
         message: str | None = None) -> dict[str, Any]:
    """Record one ping; the token is the credential. Returns what was recorded."""
    if kind not in KINDS:
        raise Invalid(f"ping kind must be one of {', '.join(KINDS)}", field="kind")
    check = conn.execute(text("""select id, last_start_at from health_checks
        where heartbeat_token = :t and type = 'heartbeat' for update"""), {"t": token}).first()
    if check is None:
        raise NotFound("no heartbeat check has this token", field="token")
    now = utcnow()
    if kind == "start":
        conn.execute(text("update health_checks set last_start_at = :now where id = :id"),
                     {"now": now, "id": check.id})
        return {"check_id": check.id, "recorded": "start"}
    details: dict[str, Any] = {}
    if check.last_start_at is not None:
        details["duration_s"] = round((now - check.last_start_at).total_seconds(), 3)
    if message:
        details["message"] = message[:500]
    status = "up" if kind == "success" else "down"
    error = None if status == "up" else (message[:500] if message else "the job reported "
                                                                       "a failure")
    write_results(conn, [Row(check.id, now, LOCATION, status, error=error,
                             details=details or None, collector="heartbeat")])
    conn.execute(text("""update health_checks set last_ping_at = :now, last_start_at = null
                         where id = :id"""), {"now": now, "id": check.id})
    return {"check_id": check.id, "recorded": kind, **details}


def mark_overdue(conn: Connection, collector: str | None = None) -> list[int]:
    """Write a down result for every overdue heartbeat check; returns their ids.

    A check is overdue when neither a ping nor our last overdue result is newer than
    interval + grace, so a silent job gets one down result per interval, not one per run."""
    rows = conn.execute(text("""
        select id, coalesce(last_ping_at, created_at) as last_ping
          from health_checks
         where type = 'heartbeat' and enabled
           and greatest(coalesce(last_ping_at, created_at), coalesce(last_run_at, created_at))
               + make_interval(secs => interval_s + grace_s) < now()
         for update skip locked""")).all()
    now = utcnow()
    results = [Row(r.id, now, LOCATION, "down", collector=collector,
                   error=f"no ping since {r.last_ping:%Y-%m-%d %H:%M:%S} UTC")
               for r in rows]
    write_results(conn, results)
    return [r.id for r in rows]
