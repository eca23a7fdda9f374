"""Per-check history for /monitoring/<slug>: response-time percentiles per bucket, status
bands, uptime per day, incidents, deploy markers, recent results. All aggregated in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Result, text

from jadugar import config
from jadugar.services import histogram, rollups
from jadugar.services.ranges import MAX_POINTS, MIN_BAND_SAMPLES, ORIGIN, band_budget, step_for
from jadugar.timeutil import utcnow

RESPONSE_TIMES = text("""
select date_bin(:step, ts, :origin) as t,
       percentile_cont(0.5) within group (order by response_ms) as p50,
       percentile_cont(0.95) within group (order by response_ms) as p95,
       min(response_ms) as min, max(response_ms) as max, count(*) as count
  from history
 where check_id = :check_id and ts >= :since and ts < :until and response_ms is not null
 group by 1 order by 1
""")

# A chart's buckets from rollup rows, as one row of arrays in text (one element per bucket,
# in no particular order but the same in each): its start (epoch seconds), rollup rows,
# count, min and max, and the histograms of its rows one after the other. The histograms
# are merged in numpy (_rolled_response_times): p50 and p95 from them (within one slot of
# the exact value); min, max and count exact. Arrays rather than a row per bucket:
# psycopg turning 2,000 30-slot arrays into Python lists cost more than the query. `first`
# gives the session's time zone.
ROLLUP_BUCKETS = """
select min(t) as first, array_agg(extract(epoch from t)::bigint)::text as t,
       array_agg(rows)::text as rows, array_agg(count)::text as count,
       array_agg(min)::text as min, array_agg(max)::text as max, string_agg(hists, ',') as hists
  from (select date_bin(:step, ts, :origin) as t, count(*) as rows, sum(ms_count) as count,
               min(ms_min) as min, max(ms_max) as max, string_agg(ms_hist::text, ',') as hists
          from {table}
         where check_id = :check_id and ts >= :since and ts < :until and ms_count > 0
         group by 1) b
"""

# Gaps and islands: consecutive results with the same status form one band. Each band ends
# where the next begins (or at the last result), so bands tile the time axis.
STATUS_BANDS = text("""
with r as (
    select ts, status,
           row_number() over (order by ts) - row_number() over (partition by status order by ts)
               as island
      from history where check_id = :check_id and ts >= :since and ts < :until
), bands as (
    select status, min(ts) as start, max(ts) as last, count(*) as results
      from r group by status, island
)
select status, start, coalesce(lead(start) over (order by start), last) as "end", results
  from bands order by start
""")

UPTIME_PER_DAY = text("""
select date_bin('1 day', hour, :origin) as day, sum(total) as results, sum(down) as down,
       sum(degraded) as degraded, sum(total - down)::float / nullif(sum(total), 0) as uptime
  from history_hourly
 where check_id = :check_id and hour >= :since and hour < :until
 group by 1 order by 1
""")

# Down periods of a check (islands of 'down'), their duration and the first alert raised
# for that check while it was down (or within one interval after).
INCIDENTS = text("""
with r as (
    select ts, status, lead(ts) over (order by ts) as next_ts,
           row_number() over (order by ts)
             - row_number() over (partition by status = 'down' order by ts) as island
      from history where check_id = :check_id and ts >= :since and ts < :until
), down as (
    select min(ts) as started_at, max(ts) as last_down_at,
           -- still down when the last result in range is down: no end yet
           case when bool_or(next_ts is null) then null else max(next_ts) end as ended_at,
           count(*) as results
      from r where status = 'down' group by island
)
select d.started_at, d.ended_at, d.results,
       extract(epoch from (coalesce(d.ended_at, :now) - d.started_at))::float as duration_s,
       al.id as alert_id, al.title as alert_title, al.state as alert_state
  from down d
  left join lateral (
      select a.id, a.title, a.state from alerts a
       where a.check_id = :check_id and a.fired_at >= d.started_at
         and a.fired_at <= coalesce(d.ended_at, :now) + interval '1 hour'
       order by a.fired_at limit 1) al on true
 order by d.started_at desc
 limit :limit
""")

DEPLOYS = text("""
select b.id, p.slug as project, b.number, b.branch, b.kind, b.status, b.environment,
       coalesce(b.finished_at, b.started_at, b.created_at) as ts,
       i.impact->>'verdict' as impact
  from application_projects ap
  join projects p on p.id = ap.project_id
  join builds b on b.project_id = ap.project_id
  left join build_insights i on i.build_id = b.id
 where ap.application_id = :application_id
   and b.created_at >= :since and b.created_at < :until
   and (b.kind = 'deploy' or cast(:builds as boolean))
 order by b.created_at desc
 limit :limit
""")

# A heartbeat's exit status and log, and which conditions passed, come from `details`.
RECENT = text("""
select ts, location, status, response_ms, status_code, error,
       (details->>'exit_code')::int as exit_code, details->>'message' as log,
       details->'conditions' as conditions
  from history where check_id = :check_id and ts >= :since and ts < :until
 order by ts desc limit :limit
""")

CHECKS = text("""
select id, name, type, target, interval_s, timeout_s, retries, enabled, expect, options,
       grace_s, locations_required, status, status_changed_at, last_run_at,
       last_response_ms, last_error
  from health_checks where application_id = :application_id order by name
""")


def response_times(conn: Connection, check_id: int, since: datetime, until: datetime,
                   max_points: int = MAX_POINTS, now: datetime | None = None,
                   keep_days: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """p50, p95, min and max per bucket; buckets sized so there are at most max_points.

    1. the coarsest rollup that still gives enough points (rollups.resolution_for): a
       year reads about 365 daily rows,
    2. its buckets up to its watermark, re-binned to the chart's step in SQL,
    3. raw rows for the recent part not rolled up yet."""
    step = step_for(since, until, max_points)
    keep = keep_days or rollups.keep_days_of(config.get())
    res = rollups.resolution_for(since, until, now or utcnow(), keep)
    done = rollups.watermarks(conn).get(f"check_{res}") if res != "raw" else None
    if done is None or done <= since:
        return _rows(conn, RESPONSE_TIMES, check_id=check_id, since=since, until=until,
                     step=step, origin=ORIGIN)
    step = rollups.step_of(step, res)
    split = min(rollups.bucket(until, res), done)
    split -= (split - ORIGIN) % step  # the raw part starts on a chart bucket
    if split <= since:
        return _rows(conn, RESPONSE_TIMES, check_id=check_id, since=since, until=until,
                     step=step, origin=ORIGIN)
    rolled = _rolled_response_times(conn, f"check_rollup_{res}", check_id=check_id,
                                    since=rollups.bucket(since, res), until=split, step=step)
    recent = _rows(conn, RESPONSE_TIMES, check_id=check_id, since=split, until=until,
                   step=step, origin=ORIGIN) if split < until else []
    return rolled + recent


def _rolled_response_times(conn: Connection, table: str, **params: Any) -> list[dict[str, Any]]:
    """p50, p95, min, max and count per chart bucket from rollup rows: a 90-day chart
    merges ~2,000 hourly histograms in about 6 ms, most of it the query (~200 ms in
    plpgsql)."""
    first, starts, rows, counts, mins, maxs, hists = conn.execute(
        text(ROLLUP_BUCKETS.format(table=table)), params | {"origin": ORIGIN}).one()
    if first is None:
        return []
    per_bucket = _numbers(rows, np.int64)
    slots = _numbers(hists, np.int64).reshape(-1, histogram.SLOTS)
    if len(slots) != per_bucket.sum():
        raise ValueError(f"{table}: {per_bucket.sum()} rollup rows, {len(slots)} histograms")
    merged = np.add.reduceat(slots, np.cumsum(per_bucket) - per_bucket, axis=0)
    epochs = _numbers(starts, np.int64)
    order = np.argsort(epochs)  # the buckets in time order
    lo, hi = _numbers(mins, np.float64)[order], _numbers(maxs, np.float64)[order]
    p50, p95 = histogram.quantiles(merged[order], (0.5, 0.95), lo, hi)
    zone = first.tzinfo  # the session's, as psycopg gives a timestamptz
    times = [datetime.fromtimestamp(e, zone) for e in epochs[order].tolist()]
    return [{"t": t, "p50": a, "p95": b, "min": c, "max": d, "count": n}
            for t, a, b, c, d, n in zip(times, _nullable(p50), _nullable(p95), lo.tolist(),
                                        hi.tolist(), _numbers(counts, np.int64)[order].tolist(),
                                        strict=True)]


def _numbers(literal: str, dtype: type) -> np.ndarray:
    """The numbers of PostgreSQL arrays in text ('{{1,2},{3,4}}', or several joined by
    commas) in a flat numpy array, parsed as Python's int() and float() would."""
    flat = literal.replace("{", "").replace("}", "")
    values = np.fromstring(flat, dtype=dtype, sep=",")
    if values.size != flat.count(",") + 1:  # fromstring stops at the first non-number
        raise ValueError(f"not an array of numbers: {literal[:80]}")
    return values


def _nullable(values: np.ndarray) -> list[float | None]:
    """The values as Python floats, NaN as None."""
    missing = np.isnan(values)
    if not missing.any():
        return values.tolist()
    out = values.astype(object)
    out[missing] = None
    return out.tolist()


def banded_response_times(conn: Connection, check_id: int, since: datetime,
                          until: datetime, interval_s: float | None) -> list[dict[str, Any]]:
    """response_times with buckets big enough for p95 and min–max to mean something.

    1. a first guess from the check's interval (results expected in the range),
    2. if the buckets still hold too few results (several results per run, or a check that
       ran less often than configured), one more query sized from the counts seen."""
    span = (until - since).total_seconds()
    expected = span / interval_s if interval_s else None
    rows = response_times(conn, check_id, since, until, band_budget(span, expected))
    if not rows:
        return rows
    counts = sorted(r["count"] for r in rows)
    if counts[len(counts) // 2] >= MIN_BAND_SAMPLES:
        return rows
    budget = band_budget(span, sum(counts))
    return response_times(conn, check_id, since, until, budget) if budget < len(rows) else rows


def status_bands(conn: Connection, check_id: int, since: datetime,
                 until: datetime) -> list[dict[str, Any]]:
    return _rows(conn, STATUS_BANDS, check_id=check_id, since=since, until=until)


def uptime_per_day(conn: Connection, check_id: int, since: datetime,
                   until: datetime) -> list[dict[str, Any]]:
    """Days in UTC from the hourly rollup."""
    return _rows(conn, UPTIME_PER_DAY, check_id=check_id, since=since, until=until,
                 origin=ORIGIN)


def incidents(conn: Connection, check_id: int, since: datetime, until: datetime,
              now: datetime, limit: int = 200) -> list[dict[str, Any]]:
    return _rows(conn, INCIDENTS, check_id=check_id, since=since, until=until, now=now,
                 limit=limit)


def deploys(conn: Connection, application_id: int, since: datetime, until: datetime,
            include_builds: bool = True, limit: int = 300) -> list[dict[str, Any]]:
    """Builds and deploys of the projects linked to the application, newest first."""
    return _rows(conn, DEPLOYS, application_id=application_id, since=since, until=until,
                 builds=include_builds, limit=limit)


def recent_results(conn: Connection, check_id: int, since: datetime, until: datetime,
                   limit: int = 100) -> list[dict[str, Any]]:
    return _rows(conn, RECENT, check_id=check_id, since=since, until=until, limit=limit)


def checks_of(conn: Connection, application_id: int) -> list[dict[str, Any]]:
    return _rows(conn, CHECKS, application_id=application_id)


# The CSV exports (/api/v1/exports/checks/...): results streamed in the database's order.
HISTORY_EXPORT = text("""
select ts, location, status, response_ms, status_code, error from history
 where check_id = :check_id and ts >= :since and ts < :until order by ts
""")


def export_history(conn: Connection, check_id: int, since: datetime,
                   until: datetime) -> Result:
    """Every raw result of the check in [since, until), oldest first."""
    return conn.execute(HISTORY_EXPORT, {"check_id": check_id, "since": since, "until": until})


def export_response_times(conn: Connection, check_id: int, since: datetime, until: datetime,
                          max_points: int = MAX_POINTS) -> Result:
    return conn.execute(RESPONSE_TIMES, {
        "check_id": check_id, "since": since, "until": until,
        "step": step_for(since, until, max_points), "origin": ORIGIN})


def export_incidents(conn: Connection, check_id: int, since: datetime, until: datetime,
                     now: datetime, limit: int = 100000) -> Result:
    return conn.execute(INCIDENTS, {"check_id": check_id, "since": since, "until": until,
                                    "now": now, "limit": limit})


def _rows(conn: Connection, query: Any, **params: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(query, params)]


