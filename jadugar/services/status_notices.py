"""Scheduled maintenance shown on a status page: the windows that cover the page's
applications (by application, by one of their checks, or every check), ongoing or starting
within the next week. Only a title and times reach the public.

A daily or weekly window repeats every 86400 or 604800 seconds from its start, exactly as
in_maintenance() (migration 0003) counts it; the page shows its current or next occurrence."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

AHEAD = timedelta(days=7)

NOTICES = text("""
with w as (
    select w.title, w.starts_at, w.ends_at - w.starts_at as span,
           case w.recurrence when 'daily' then 86400 when 'weekly' then 604800 end as period
      from maintenance_windows w
      left join health_checks c on c.id = w.check_id
     where (w.application_id is null and w.check_id is null)
        or coalesce(c.application_id, w.application_id) in (
               select application_id from status_page_applications
                where status_page_id = :page_id)
), current as (
    -- the occurrence that started last (or the first, when none has started yet)
    select title, span, period,
           case when period is null or :now < starts_at then starts_at
                else starts_at + make_interval(secs => period * floor(
                         extract(epoch from (:now - starts_at)) / period)) end as s
      from w
), upcoming as (
    select title, span,
           case when period is not null and s + span <= :now
                then s + make_interval(secs => period) else s end as s
      from current
)
select title, s as starts_at, s + span as ends_at, s <= :now as ongoing
  from upcoming
 where s + span > :now and s < :until
 order by s, title
""")


def maintenance_notices(conn: Connection, page_id: int, now: datetime) -> list[dict[str, Any]]:
    rows = conn.execute(NOTICES, {"page_id": page_id, "now": now, "until": now + AHEAD})
    return [dict(r._mapping) for r in rows]
