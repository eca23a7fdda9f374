"""Heartbeat (push) checks: a cron job pings us; silence past interval + grace is down.

- `ping(conn, token, "success")` records an up result (with the run's duration when a
  `start` ping came first), `"start"` notes the start, `"fail"` records a down result.
- `ping(conn, token, "exit", message, exit_code=3)`: a job's exit status; 0 is up, any
  other down. The message (a POST body: the job's log) is kept with the result, capped.
- `mark_overdue(conn, location)` (run by the collector) writes a down result for each check
  whose last ping, or last overdue result, is older than interval + grace; for a check
  with a cron `schedule`, older than grace past the next time the schedule named.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.checks.cron import DEFAULT_TZ, next_due
from jadugar.errors import Invalid, NotFound
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow

KINDS = ("success", "start", "fail", "exit")
MAX_LOG_CHARS = 500  # kept with each result in history: a tail of the job's log, no more
MAX_EXIT_CODE = 255
LOCATION = "push"


def ping(conn: Connection, token: str, kind: str = "success",
         message: str | None = None, exit_code: int | None = None) -> dict[str, Any]:
    """Record one ping; the token is the credential. Returns what was recorded."""
    if kind not in KINDS:
        raise Invalid(f"ping kind must be one of {', '.join(KINDS)}", field="kind")
    if kind == "exit" and not (exit_code is not None and 0 <= exit_code <= MAX_EXIT_CODE):
        raise Invalid(f"the exit status must be 0 to {MAX_EXIT_CODE}", field="exit_code")
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
    if message and kind == "exit":  # a log: its end says what went wrong
        message = message[-MAX_LOG_CHARS:]
    if message:
        details["message"] = message[:MAX_LOG_CHARS]
    if kind == "exit":
        details["exit_code"] = exit_code
    status = "up" if kind == "success" or exit_code == 0 else "down"
    error = None if status == "up" else _failure(message, exit_code)
    write_results(conn, [Row(check.id, now, LOCATION, status, error=error,
                             details=details or None, collector="heartbeat")])
    conn.execute(text("""update health_checks set last_ping_at = :now, last_start_at = null
                         where id = :id"""), {"now": now, "id": check.id})
    return {"check_id": check.id, "recorded": kind, **details}


def _failure(message: str | None, exit_code: int | None) -> str:
    said = f"exit status {exit_code}" if exit_code is not None else None
    if message:
        return f"{said}: {message}"[:MAX_LOG_CHARS] if said else message[:MAX_LOG_CHARS]
    return said or "the job reported a failure"


def mark_overdue(conn: Connection, collector: str | None = None,
                 now: datetime | None = None) -> list[int]:
    """Write a down result for every overdue heartbeat check; returns their ids.

    A check is overdue when neither a ping nor our last overdue result is newer than
    interval + grace (cron checks: than grace past the next scheduled time after it), so a
    silent job gets one down result per interval or per scheduled run, not one per call."""
    now = now or utcnow()
    rows = conn.execute(text("""
        select id, coalesce(last_ping_at, created_at) as last_ping
          from health_checks
         where type = 'heartbeat' and enabled and not options ? 'schedule'
           and greatest(coalesce(last_ping_at, created_at), coalesce(last_run_at, created_at))
               + make_interval(secs => interval_s + grace_s) < :now
         for update skip locked"""), {"now": now}).all()
    results = [Row(r.id, now, LOCATION, "down", collector=collector,
                   error=f"no ping since {r.last_ping:%Y-%m-%d %H:%M:%S} UTC")
               for r in rows]
    results += _overdue_on_schedule(conn, now, collector)
    write_results(conn, results)
    return [r.check_id for r in results]


def _overdue_on_schedule(conn: Connection, now: datetime, collector: str | None) -> list[Row]:
    """Cron heartbeats: few per installation, and their next time is croniter's to say."""
    rows = conn.execute(text("""
        select id, grace_s, options->>'schedule' as schedule,
               coalesce(options->>'tz', :utc) as tz,
               greatest(coalesce(last_ping_at, created_at),
                        coalesce(last_run_at, created_at)) as since
          from health_checks
         where type = 'heartbeat' and enabled and options ? 'schedule'
         for update skip locked"""), {"utc": DEFAULT_TZ}).all()
    out = []
    for r in rows:
        try:
            due = next_due(r.schedule, r.tz, r.since)
        except (ValueError, KeyError) as exc:  # a zone gone from this system's tz data
            out.append(Row(r.id, now, LOCATION, "down", collector=collector,
                           error=f"cannot read the schedule: {exc}"))
            continue
        if due + timedelta(seconds=r.grace_s) < now:
            out.append(Row(r.id, now, LOCATION, "down", collector=collector,
                           error=f"no ping for the run due {due:%Y-%m-%d %H:%M} UTC "
                                 f"({r.schedule} in {r.tz})"))
    return out
