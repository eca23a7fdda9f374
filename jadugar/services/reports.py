"""SLA reports: uptime and incident count per application, per calendar month (UTC) or over
one custom range, with results inside maintenance windows left out.

Uptime is time-weighted across an application's checks: each result stands for its check's
interval, so a 1-minute check and a 1-hour check weigh by the time they cover, not by how
often they ran (a check's own results all weigh the same).

Maintenance windows are expanded into their occurrences inside the range first (a handful of
rows), then history is filtered against them set-based; no per-row function calls.

Once the rollups have run, a report reads them (SLA_ROLLUP): a whole UTC month of a check
clear of its maintenance windows comes from the monthly rollup, a whole clear day of the
other months from the daily one, a whole clear hour of the other days from the hourly one,
and raw rows only for the hours at the edges of the range, of a maintenance window, or not
rolled up yet. So exclusion stays exact, and a year of 5,000 checks reads about 60,000
monthly rows and the days of the two months at the ends, instead of 2.6 G results.
Where retention has dropped an edge hour's raw rows (kept 14 days by default), the hour
comes from the 1-minute rollup (kept 90 days), each minute's results taken as at its start:
still exact for ranges and windows on whole minutes. Edge hours older than both are left out.
Incidents (runs of 'down') join across buckets: each bucket knows its runs and whether it
starts and ends down.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid
from jadugar.services import partitions, rollups

OCCURRENCES = """
with occurrences as (
    select w.application_id, w.check_id,
           w.starts_at + coalesce(n * w.every, interval '0') as starts_at,
           w.ends_at + coalesce(n * w.every, interval '0') as ends_at
      from (select *, case recurrence when 'daily' then interval '1 day'
                                      when 'weekly' then interval '7 days' end as every
              from maintenance_windows where starts_at < :until) w
      cross join lateral generate_series(
          case when w.every is null then 0
               else greatest(0, floor(extract(epoch from (:since - w.ends_at))
                                      / extract(epoch from w.every)))::int end,
          case when w.every is null then 0
               else ceil(extract(epoch from (:until - w.starts_at))
                         / extract(epoch from w.every))::int end) as n
     where w.ends_at + coalesce(n * w.every, interval '0') > :since
)"""
SLA = OCCURRENCES + """, r as (
    select c.application_id, h.check_id, h.ts, h.status, c.interval_s,
           {period} as period
      from history h join health_checks c on c.id = h.check_id
      join applications a on a.id = c.application_id
     where h.ts >= :since and h.ts < :until
       and (cast(:application as text) is null or a.slug = :application)
       and not exists (
           select 1 from occurrences o
            where h.ts >= o.starts_at and h.ts < o.ends_at
              and (o.check_id = h.check_id
                   or (o.check_id is null and o.application_id = c.application_id)
                   or (o.check_id is null and o.application_id is null)))
), islands as (
    select *, row_number() over (partition by check_id order by ts)
              - row_number() over (partition by check_id, status = 'down' order by ts) as island
      from r
), per_app as (
    select application_id, period, count(*) as results,
           count(*) filter (where status = 'down') as down_results,
           count(distinct (check_id, island)) filter (where status = 'down') as incidents,
           sum(interval_s) as weight,
           coalesce(sum(interval_s) filter (where status = 'down'), 0) as down_weight
      from islands group by application_id, period
)
select a.slug as application, a.name, p.period, p.results, p.down_results, p.incidents,
       (p.weight - p.down_weight)::float / nullif(p.weight, 0) as uptime
  from per_app p join applications a on a.id = p.application_id
 order by p.period, a.slug
"""
PERIODS = {"month": "date_trunc('month', h.ts at time zone 'UTC') at time zone 'UTC'",
           "range": "cast(:since as timestamptz)"}

HOUR = "date_bin('1 hour', {x}, timestamptz '2000-01-01 00:00+00')"
DAY = "date_bin('1 day', {x}, timestamptz '2000-01-01 00:00+00')"
# Whole: inside the range and rolled up (the check's maintenance is tested apart).
DAY_IN = ("{t} >= :since and {t} + interval '1 day' <= :until "
          "and {t} + interval '1 day' <= :done_1d")
HOUR_IN = ("{t} >= :since and {t} + interval '1 hour' <= :until "
           "and {t} + interval '1 hour' <= :done_1h")
EPS = "interval '1 microsecond'"

# Per check: the days and hours its maintenance touches (hash-joined on equality, never
# scanned per row), the days and hours at the ends of the range or not rolled up yet.
# A check's day is read from the daily rollup when whole and untouched; the other days
# from the hourly rollup where the hour is whole and untouched; the rest from raw rows,
# filtered against the maintenance occurrences only in hours that maintenance touches: each
# such hour carries its own occurrences as one multirange, so a row is tested against one
# value, not against every occurrence of every check (a window over all checks made that a
# scan per row: minutes, for a year of 5,000 checks).
SLA_ROLLUP = OCCURRENCES + """,
checks as (
    select c.id, c.application_id, c.interval_s from health_checks c
      join applications a on a.id = c.application_id
     where cast(:application as text) is null or a.slug = :application
),
occ_checks as (  -- three equi-joins: an OR in one join condition is a nested loop
    select o.check_id, o.starts_at, o.ends_at
      from occurrences o join checks k on k.id = o.check_id
    union all
    select k.id, o.starts_at, o.ends_at
      from occurrences o join checks k on k.application_id = o.application_id
     where o.check_id is null
    union all
    select k.id, o.starts_at, o.ends_at
      from occurrences o cross join checks k
     where o.check_id is null and o.application_id is null
),
edge_days as (
    select distinct check_id, d from occ_checks,
           generate_series(""" + DAY.format(x="starts_at") + """, ends_at - """ + EPS + """,
                           interval '1 day') d
),
edge_hours as (
    select check_id, h, bool_or(h < starts_at or h + interval '1 hour' > ends_at) as boundary,
           range_agg(tstzrange(starts_at, ends_at)) as spans
      from occ_checks,
           generate_series(""" + HOUR.format(x="starts_at") + """, ends_at - """ + EPS + """,
                           interval '1 hour') h
     group by 1, 2
),
edge_months as (
    select distinct check_id, date_trunc('month', d, 'UTC') as m from edge_days
),
open_days as (
    select """ + DAY.format(x=":since") + """ as d
    union select generate_series(""" + DAY.format(x="least(:done_1d, :until)") + """,
                                 :until - """ + EPS + """, interval '1 day')
),
open_hours as (
    select """ + HOUR.format(x=":since") + """ as h
    union select generate_series(""" + HOUR.format(x="least(:done_1h, :until)") + """,
                                 :until - """ + EPS + """, interval '1 hour')
),
day_pairs as (
    select p.check_id, p.d from (
        select check_id, d from edge_days where d < :until and d + interval '1 day' > :since
        union select k.id, o.d from open_days o cross join checks k) p
      left join edge_days e on e.check_id = p.check_id and e.d = p.d
     where not (""" + DAY_IN.format(t="p.d") + """ and e.check_id is null)
),
hour_pairs as (
    select p.check_id, p.h, e.spans from (
        select check_id, h from edge_hours
         where boundary and h < :until and h + interval '1 hour' > :since
        union select k.id, o.h from open_hours o cross join checks k) p
      left join edge_hours e on e.check_id = p.check_id and e.h = p.h
      left join edge_days ed on ed.check_id = p.check_id and ed.d = """ + DAY.format(x="p.h") + """
     where not (""" + HOUR_IN.format(t="p.h") + """ and e.check_id is null)
       and not (""" + DAY_IN.format(t=DAY.format(x="p.h")) + """ and ed.check_id is null)
),
-- Below a month, rows are read per check (the days of the range's partial months), per
-- (check, month) that maintenance touches, per (check, day) and per (check, hour), each by
-- a range of the primary key; "offset 0" keeps each lateral read apart. Joined instead,
-- the planner may hash a year of daily rows, or merge-join a year of hourly rows or two
-- weeks of raw results, to find a few thousand pairs.
segments as (
    select m.check_id, m.ts, m.total as results, m.down, m.down_runs, m.first_down,
           m.last_down
      from check_rollup_1mo m join checks k on k.id = m.check_id
     where m.ts >= :m_lo and m.ts < :m_hi
       and not exists (select 1 from edge_months e
                        where e.check_id = m.check_id and e.m = m.ts)
    union all
    select d.check_id, d.ts, d.total, d.down, d.down_runs, d.first_down, d.last_down
      from checks k cross join lateral (
           (select * from check_rollup_1d d
             where d.check_id = k.id and d.ts >= :since and d.ts < :m_lo offset 0)
           union all
           (select * from check_rollup_1d d
             where d.check_id = k.id and d.ts >= :m_hi and d.ts < :until offset 0)) d
     where """ + DAY_IN.format(t="d.ts") + """
       and not exists (select 1 from edge_days e where e.check_id = d.check_id and e.d = d.ts)
    union all
    select d.check_id, d.ts, d.total, d.down, d.down_runs, d.first_down, d.last_down
      from edge_months m cross join lateral (
           select * from check_rollup_1d d
            where d.check_id = m.check_id and d.ts >= m.m and d.ts < m.m + interval '1 month'
           offset 0) d
     where m.m >= :m_lo and m.m < :m_hi and """ + DAY_IN.format(t="d.ts") + """
       and not exists (select 1 from edge_days e where e.check_id = d.check_id and e.d = d.ts)
    union all
    select h.check_id, h.ts, h.total, h.down, h.down_runs, h.first_down, h.last_down
      from day_pairs p cross join lateral (
           select * from check_rollup_1h h
            where h.check_id = p.check_id and h.ts >= p.d and h.ts < p.d + interval '1 day'
           offset 0) h
     where """ + HOUR_IN.format(t="h.ts") + """
       and not exists (select 1 from edge_hours e where e.check_id = h.check_id and e.h = h.ts)
    union all
    select r.check_id, r.ts, 1, (r.status = 'down')::int, (r.status = 'down')::int,
           r.status = 'down', r.status = 'down'
      from hour_pairs p cross join lateral (
           select check_id, ts, status from history r
            where r.check_id = p.check_id and r.ts >= greatest(p.h, :since, :raw_from)
              and r.ts < least(p.h + interval '1 hour', :until)
           offset 0) r
     where not coalesce(p.spans @> r.ts, false)
    union all
    -- The same hours where retention has dropped the raw rows (before :raw_from): their
    -- 1-minute rows, each minute standing as one result at its start (exact for ranges and
    -- maintenance windows on whole minutes).
    select m.check_id, m.ts, m.total, m.down, m.down_runs, m.first_down, m.last_down
      from hour_pairs p cross join lateral (
           select check_id, ts, total, down, down_runs, first_down, last_down
             from check_rollup_1m m
            where m.check_id = p.check_id and m.ts >= greatest(p.h, :since)
              and m.ts < least(p.h + interval '1 hour', :until, :raw_from)
              and m.ts + interval '1 minute' <= :done_1m
           offset 0) m
     where p.h < :raw_from and not coalesce(p.spans @> m.ts, false)
),
-- Per check first, in the order the window leaves its rows; then per application.
joined as (
    select s.*, {period} as period,
           lag(last_down) over (partition by check_id, {period} order by ts) as prev_down
      from segments s
),
per_check as (
    select check_id, period, sum(results) as results, sum(down) as down,
           sum(down_runs) - count(*) filter (where first_down and prev_down) as incidents
      from joined group by check_id, period
),
per_app as (
    select k.application_id, p.period, sum(p.results) as results,
           sum(p.down) as down_results, sum(p.incidents) as incidents,
           sum(p.results * k.interval_s) as weight, sum(p.down * k.interval_s) as down_weight
      from per_check p join checks k on k.id = p.check_id
     group by k.application_id, p.period
)
select a.slug as application, a.name, p.period, p.results, p.down_results, p.incidents,
       (p.weight - p.down_weight)::float / nullif(p.weight, 0) as uptime
  from per_app p join applications a on a.id = p.application_id
 order by p.period, a.slug
"""


def sla(conn: Connection, since: datetime, until: datetime, period: str = "month",
        application: str | None = None, use_rollups: bool = True) -> list[dict[str, Any]]:
    """One row per application and period: results, down results, incidents, uptime.
    From the rollups once they have run (the module doc), else from raw history."""
    if period not in PERIODS:
        raise Invalid("period must be month or range", field="period")
    if since >= until:
        raise Invalid("since must be before until", field="since")
    params: dict[str, Any] = {"since": since, "until": until, "application": application}
    marks = rollups.watermarks(conn) if use_rollups else {}
    if marks.get("check_1h") is None or marks.get("check_1d") is None:
        sql = text(SLA.format(period=PERIODS[period]))
    else:
        sql = text(SLA_ROLLUP.replace("{period}", PERIODS[period].replace("h.ts", "s.ts")))
        params |= {"done_1h": marks["check_1h"], "done_1d": marks["check_1d"],
                   "done_1m": marks.get("check_1m") or since,
                   # No raw rows kept at all: every edge hour from the minute rollup.
                   "raw_from": partitions.kept_from(conn, "history") or until}
        params |= _whole_months(since, until, marks.get("check_1mo"))
        # The planner's estimates for the edge sets are high; JIT would then spend seconds
        # compiling a query that runs in milliseconds. Days and months are UTC whatever
        # the server's time zone (interval arithmetic follows the session's), and the
        # report's sorts fit in memory instead of spilling to disk.
        conn.execute(text("set local jit = off"))
        conn.execute(text("set local timezone = 'UTC'"))
        conn.execute(text("set local work_mem = '64MB'"))
    return [dict(r._mapping) for r in conn.execute(sql, params)]


def _whole_months(since: datetime, until: datetime,
                  done: datetime | None) -> dict[str, datetime]:
    """[m_lo, m_hi): the whole UTC months of the range that the monthly rollup holds
    (empty, m_lo = m_hi, when there are none)."""
    lo = rollups.bucket(since, "1mo")
    if lo < since:
        lo = partitions.following(lo, "month")
    hi = rollups.bucket(min(until, done), "1mo") if done is not None else lo
    return {"m_lo": lo, "m_hi": max(lo, hi)}


def period_days(start: datetime, period: str, since: datetime,
                until: datetime) -> tuple[date, date]:
    """The first and last UTC day a report row covers: its month cut to the report's range
    (a 20 Nov – 1 Dec report has a November row of 20–30 Nov), or the whole range."""
    last_of_range = (until - timedelta(microseconds=1)).astimezone(UTC).date()
    first_of_range = since.astimezone(UTC).date()
    if period != "month":
        return first_of_range, last_of_range
    month = start.astimezone(UTC).date().replace(day=1)
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return max(month, first_of_range), min(month_end, last_of_range)


HEADER = ["application", "name", "period", "results", "down_results", "incidents", "uptime"]


def as_rows(report: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r[k] for k in HEADER] for r in report]
