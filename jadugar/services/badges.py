"""What a badge says about a public application: its status, its uptime over some days,
its median response time over the last day. A private or unknown application gives None
(the caller answers both the same way, so a badge never tells that an application exists).
Aggregated in SQL: uptime from the hourly rollup, time-weighted as on the status pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.timeutil import utcnow

MAX_DAYS = 365
RESPONSE_WINDOW = timedelta(days=1)

UPTIME = text("""
select sum((r.total - r.down) * c.interval_s)::float / nullif(sum(r.total * c.interval_s), 0)
  from health_checks c join history_hourly r on r.check_id = c.id
 where c.application_id = :app_id and r.hour >= :since
""")
# Median over the application's checks' raw results of the last day (time in the key).
RESPONSE = text("""
select percentile_cont(0.5) within group (order by h.response_ms)
  from health_checks c join history h on h.check_id = c.id
 where c.application_id = :app_id and h.ts >= :since and h.response_ms is not null
""")


def public_application(conn: Connection, slug: str) -> Any:
    """(id, name, status) of a public application, or None."""
    return conn.execute(text("select id, name, status from applications "
                             "where slug = :slug and public"), {"slug": slug}).first()


def uptime(conn: Connection, app_id: int, days: int, now: datetime | None = None
           ) -> float | None:
    """The share of time up over the last `days` days (None: no results in that time)."""
    since = (now or utcnow()) - timedelta(days=days)
    return conn.execute(UPTIME, {"app_id": app_id, "since": since}).scalar()


def response_ms(conn: Connection, app_id: int, now: datetime | None = None) -> float | None:
    since = (now or utcnow()) - RESPONSE_WINDOW
    return conn.execute(RESPONSE, {"app_id": app_id, "since": since}).scalar()
