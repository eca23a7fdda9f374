"""SLA reports: uptime and incident count per application, per calendar month (UTC) or over
one custom range, with results inside maintenance windows left out.

Maintenance windows are expanded into their occurrences inside the range first (a handful of
rows), then history is filtered against them set-based; no per-row function calls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid

SLA = """
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
), r as (
    select c.application_id, h.check_id, h.ts, h.status,
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
           count(distinct (check_id, island)) filter (where status = 'down') as incidents
      from islands group by application_id, period
)
select a.slug as application, a.name, p.period, p.results, p.down_results, p.incidents,
       (p.results - p.down_results)::float / nullif(p.results, 0) as uptime
  from per_app p join applications a on a.id = p.application_id
 order by p.period, a.slug
"""
PERIODS = {"month": "date_trunc('month', h.ts at time zone 'UTC') at time zone 'UTC'",
           "range": "cast(:since as timestamptz)"}


def sla(conn: Connection, since: datetime, until: datetime, period: str = "month",
        application: str | None = None) -> list[dict[str, Any]]:
    """One row per application and period: results, down results, incidents, uptime."""
    if period not in PERIODS:
        raise Invalid("period must be month or range", field="period")
    if since >= until:
        raise Invalid("since must be before until", field="since")
    sql = text(SLA.format(period=PERIODS[period]))
    rows = conn.execute(sql, {"since": since, "until": until, "application": application})
    return [dict(r._mapping) for r in rows]


HEADER = ["application", "name", "period", "results", "down_results", "incidents", "uptime"]


def as_rows(report: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r[k] for k in HEADER] for r in report]
