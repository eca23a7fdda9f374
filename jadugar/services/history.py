"""The write path for check results: one batch, one transaction, a handful of statements.

1. binary COPY into a temporary table,
2. INSERT ... ON CONFLICT DO NOTHING into `history` (a replayed batch adds nothing twice),
3. one set-based UPDATE of each check's current status (with location agreement),
4. one UPDATE of the applications whose status changed,
5. realtime events: one `check_result` per application, `application_status` on change.

Used by the collector and by heartbeat pings alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, text

from jadugar import db, events
from jadugar.events import CHANNEL

COLUMNS = ["check_id", "ts", "location", "status", "response_ms", "status_code", "error",
           "details", "collector"]
TYPES = ["int8", "timestamptz", "text", "text", "float4", "int2", "text", "jsonb", "text"]
# pg_notify payloads are capped at 8000 bytes; a busy application's event carries a sample.
MAX_RESULTS_PER_EVENT = 40


@dataclass
class Row:
    """One result as stored in `history` (and in the spool, as a JSON list)."""

    check_id: int
    ts: datetime
    location: str
    status: str
    response_ms: float | None = None
    status_code: int | None = None
    error: str | None = None
    details: dict | None = field(default=None)
    collector: str | None = None


@dataclass
class Written:
    inserted: int
    check_ids: list[int]
    changed_checks: list[tuple[int, str, str]]  # (check id, status, previous)
    changed_apps: list[tuple[str, str, str]]  # (slug, status, previous)


def write_results(conn: Connection, rows: list[Row]) -> Written:
    """Store a batch of results inside the caller's transaction (see the module doc)."""
    if not rows:
        return Written(0, [], [], [])
    # Twice in one transaction is fine (tests, heartbeats): reuse and empty the tables.
    conn.execute(text("create temp table if not exists _batch (like history) on commit drop"))
    conn.execute(text("create temp table if not exists _new (like history) on commit drop"))
    conn.execute(text("truncate _batch, _new"))
    db.copy_rows(conn, "_batch", COLUMNS, (_copy_tuple(r) for r in rows), TYPES)
    inserted = conn.execute(text("""
        with ins as (insert into history select * from _batch
                     on conflict (check_id, ts, location) do nothing returning *)
        insert into _new select * from ins""")).rowcount
    changed = conn.execute(UPDATE_CHECKS).all()
    check_ids = [r.id for r in changed]
    apps = conn.execute(UPDATE_APPLICATIONS, {"ids": check_ids}).all()
    conn.execute(PUBLISH_RESULTS, {"channel": CHANNEL, "n": MAX_RESULTS_PER_EVENT})
    for slug, status, previous in apps:
        _publish(conn, "application_status",
                 {"application": slug, "status": status, "previous": previous})
    return Written(inserted, check_ids,
                   [(r.id, r.status, r.previous) for r in changed if r.status != r.previous],
                   [tuple(a) for a in apps])


def _copy_tuple(row: Row) -> tuple:
    # Spelled out: dataclasses.astuple deep-copies every details dict, per row.
    return (row.check_id, row.ts, row.location, row.status, row.response_ms,
            row.status_code, row.error, Jsonb(row.details) if row.details else None,
            row.collector)


def _publish(conn: Connection, event: str, payload: dict[str, Any]) -> None:
    events.publish(conn, event, payload)


# The newest new result per check decides, unless an older spooled batch arrives late.
# With locations_required > 1 the check is down only when that many locations' latest
# results (within two intervals) are down; fewer make it degraded. Such a check gets a
# result from every location each interval, so its streaks count intervals, not results:
# a streak grows on the first agreed result in each interval-long slot of the clock
# (epoch / interval_s), and starts (or resets) on any result that changes its direction.
# Otherwise two locations would reach "3 failures in a row" in 1.5 intervals.
UPDATE_CHECKS = text("""
    with latest as (
        select distinct on (check_id) check_id, ts, status, response_ms, error
          from _new order by check_id, ts desc
    ), agreed as (
        select l.*, case when c.locations_required <= 1 then l.status else (
                   select case when count(*) filter (where s.status = 'down')
                                    >= c.locations_required then 'down'
                               when bool_or(s.status <> 'up') then 'degraded'
                               else 'up' end
                     from (select distinct on (h.location) h.status from history h
                            where h.check_id = l.check_id
                              and h.ts > l.ts - make_interval(secs => 2 * c.interval_s
                                                                      + c.timeout_s)
                            order by h.location, h.ts desc) s) end as agreed,
               (c.locations_required <= 1 or c.last_run_at is null
                or floor(extract(epoch from l.ts) / greatest(c.interval_s, 1))
                   <> floor(extract(epoch from c.last_run_at) / greatest(c.interval_s, 1))
               ) as new_interval
          from latest l join health_checks c on c.id = l.check_id
    )
    update health_checks c
       set status = a.agreed,
           status_changed_at = case when c.status <> a.agreed then a.ts
                                    else c.status_changed_at end,
           last_run_at = a.ts, last_response_ms = a.response_ms, last_error = a.error,
           fail_streak = case when a.agreed <> 'down' then 0
                              when c.fail_streak = 0 or a.new_interval
                              then c.fail_streak + 1 else c.fail_streak end,
           ok_streak = case when a.agreed = 'down' then 0
                            when c.ok_streak = 0 or a.new_interval
                            then c.ok_streak + 1 else c.ok_streak end
      from agreed a, health_checks prev
     where c.id = a.check_id and prev.id = c.id
       and (c.last_run_at is null or a.ts >= c.last_run_at)
    returning c.id, c.application_id, c.status, prev.status as previous
""")

# Worst status wins; checks that never ran only count when nothing else is known.
UPDATE_APPLICATIONS = text("""
    with s as (
        select application_id,
               case when bool_or(status = 'down') then 'down'
                    when bool_or(status = 'degraded') then 'degraded'
                    when bool_or(status = 'up') then 'up' else 'unknown' end as status
          from health_checks
         where enabled and application_id in (
               select application_id from health_checks where id = any(:ids))
         group by application_id
    )
    update applications a set status = s.status, status_changed_at = now(),
           updated_at = now()
      from s, applications prev
     where a.id = s.application_id and prev.id = a.id and a.status <> s.status
    returning a.slug, a.status, prev.status as previous
""")

# One `check_result` event per application per batch, built in SQL.
PUBLISH_RESULTS = text("""
    select pg_notify(:channel, json_build_object(
               'event', 'check_result',
               'data', json_build_object(
                   'application', slug, 'count', count(*),
                   'results', (array_agg(result order by ts desc))[1:cast(:n as int)])
           )::text)
      from (select a.slug, n.ts, json_build_object(
                       'check_id', n.check_id, 'status', n.status,
                       'response_ms', n.response_ms, 'ts', n.ts) as result
              from _new n join health_checks c on c.id = n.check_id
              join applications a on a.id = c.application_id) r
     group by slug
""")


def still_there(conn: Connection, check_ids: list[int],
                slugs: list[str]) -> tuple[set[int], set[str]]:
    """Which of these checks and applications still exist: a spooled batch can outlive
    them (collectors/salvage.py sets the rest aside)."""
    checks = set(conn.execute(text("select id from health_checks where id = any(:ids)"),
                              {"ids": check_ids}).scalars())
    apps = set(conn.execute(text("select slug from applications where slug = any(:s)"),
                            {"s": slugs}).scalars())
    return checks, apps
