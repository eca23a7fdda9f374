"""Trends for the dashboard's charts, aggregated in SQL over the last `days` (UTC days):
builds per day by outcome, daily uptime of the worst applications, open alerts over time.
Kept a few seconds in web processes like the headline numbers (jadugar.services.cache)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.services import cache
from jadugar.timeutil import utcnow

BUILDS_PER_DAY = text("""
select date_trunc('day', created_at, 'UTC') as day, status, count(*) as builds
  from builds
 where created_at >= :since
 group by 1, 2 order by 1, 2
""")

# The `worst` applications by uptime over the whole window, then their uptime per day (from
# the hourly rollup, so a year of raw history is never read). Only the worst applications'
# rows are binned into days: ranking sums the window per check, which is 4x cheaper than
# binning every row of every check (5,000 checks: 24 ms instead of 92 ms a day of history).
WORST_UPTIME = text("""
with per_check as (
    select check_id, sum(total) as total, sum(down) as down
      from history_hourly where hour >= :since group by 1
), worst as (
    select c.application_id, sum(p.total - p.down)::float / nullif(sum(p.total), 0) as uptime
      from per_check p join health_checks c on c.id = p.check_id
     group by 1 order by 2 asc nulls last, 1 limit :worst
), per_day as (
    select c.application_id, date_trunc('day', h.hour, 'UTC') as day,
           sum(h.total) as total, sum(h.down) as down
      from worst w join health_checks c on c.application_id = w.application_id
      join history_hourly h on h.check_id = c.id and h.hour >= :since
     group by 1, 2
)
select a.slug as application, a.name, p.day,
       (p.total - p.down)::float / nullif(p.total, 0) as uptime, w.uptime as overall
  from per_day p join worst w using (application_id) join applications a on a.id = w.application_id
 order by w.uptime, a.slug, p.day
""")

# Alerts open at each hour: fired at or before it and not resolved by then.
OPEN_ALERTS = text("""
select t, count(al.id) as open
  from generate_series(date_trunc('hour', cast(:since as timestamptz)),
                       cast(:now as timestamptz), interval '1 hour') t
  left join alerts al on al.fired_at <= t and (al.resolved_at is null or al.resolved_at > t)
 group by t order by t
""")


def trends(conn: Connection, days: int = 14, worst: int = 5,
           now: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    now = now or utcnow()
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0,
                                                      microsecond=0)

    def read() -> dict[str, list[dict[str, Any]]]:
        alerts_since = max(since, now - timedelta(days=7))  # hourly points: a week is plenty
        return {
            "builds": _rows(conn, BUILDS_PER_DAY, since=since),
            "uptime": _rows(conn, WORST_UPTIME, since=since, worst=worst),
            "alerts": _rows(conn, OPEN_ALERTS, since=alerts_since, now=now),
            "window": [{"since": since, "until": now}],
        }
    return cache.remember(("dashboard.trends", days, worst), read)


def _rows(conn: Connection, query: Any, **params: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(query, params)]
