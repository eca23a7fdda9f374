"""The monitoring overview: every application's status at a glance, in ONE set-based query.

Uptime and the 90-interval bars read the hourly rollup (history_hourly), so a page of 50
applications touches at most 50 x checks x 720 rollup rows, whatever the raw history holds.
Uptime counts a result as available unless it is down (degraded is slow, not absent).
Pages of the overview as of now are kept a few seconds in web processes
(jadugar.services.cache): every open overview redraws on the same events.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid
from jadugar.services import cache
from jadugar.services.ranges import ORIGIN
from jadugar.timeutil import utcnow

_STATUS_RANK = ("case {t}.status when 'down' then 0 when 'degraded' then 1 "
                "when 'unknown' then 2 else 3 end, {t}.name, {t}.slug")
# Each sort as written inside the page query (a, lr, oa) and over its result (p).
SORTS = {
    "name": ("a.name, a.slug", "p.name, p.slug"),
    "status": (_STATUS_RANK.format(t="a"), _STATUS_RANK.format(t="p")),
    "response": ("lr.last_response_ms desc nulls last, a.slug",
                 "p.last_response_ms desc nulls last, p.slug"),
    "alerts": ("coalesce(oa.open_alerts, 0) desc, a.slug", "p.open_alerts desc, p.slug"),
}
BARS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
MAX_EXPORT = 100_000

OVERVIEW = """
with filtered as (
    select a.id from applications a
     where (cast(:q as text) is null or a.name ilike :q or a.slug ilike :q)
       and (cast(:tag as text) is null or a.tags @> array[cast(:tag as text)])
       and (cast(:env as text) is null or a.environment = :env)
), lr as (
    select c.application_id, count(*) as checks,
           (array_agg(c.last_response_ms order by c.last_run_at desc nulls last))[1]
               as last_response_ms,
           max(c.last_run_at) as last_run_at
      from health_checks c join filtered f on f.id = c.application_id
     group by c.application_id
), oa as (
    select al.application_id, count(*) as open_alerts
      from alerts al join filtered f on f.id = al.application_id
     where al.state <> 'resolved' group by al.application_id
), page as (
    select a.id, a.slug, a.name, a.environment, a.tags, a.status, a.status_changed_at,
           coalesce(lr.checks, 0) as checks, lr.last_response_ms, lr.last_run_at,
           coalesce(oa.open_alerts, 0) as open_alerts, count(*) over () as total
      from applications a join filtered f on f.id = a.id
      left join lr on lr.application_id = a.id
      left join oa on oa.application_id = a.id
     order by {sort} limit :limit offset :offset
), roll as (
    -- Weighted by time: each result stands for one interval of its check, so a 1-minute
    -- check does not outweigh a 1-hour check sixty to one in its application's uptime.
    select c.application_id, r.hour, r.total * c.interval_s as total,
           r.down * c.interval_s as down, r.degraded * c.interval_s as degraded
      from page p join health_checks c on c.application_id = p.id
      join history_hourly r on r.check_id = c.id and r.hour >= least(:since_30d, :bars_since)
), up as (
    select application_id,
           sum(total - down) filter (where hour >= :since_24h)::float
               / nullif(sum(total) filter (where hour >= :since_24h), 0) as uptime_24h,
           sum(total - down) filter (where hour >= :since_7d)::float
               / nullif(sum(total) filter (where hour >= :since_7d), 0) as uptime_7d,
           sum(total - down) filter (where hour >= :since_30d)::float
               / nullif(sum(total) filter (where hour >= :since_30d), 0) as uptime_30d
      from roll group by application_id
), buckets as (
    select p.id as application_id, b.t,
           sum(r.total) as total, sum(r.down) as down, sum(r.degraded) as degraded
      from page p
      cross join generate_series(:bars_since, :bars_last, :bar_step) as b(t)
      left join roll r on r.application_id = p.id and r.hour >= b.t and r.hour < b.t + :bar_step
     group by p.id, b.t
), bars as (
    select application_id,
           json_agg(json_build_object(
               't', t,
               'uptime', (total - down)::float / nullif(total, 0),
               'status', case when total is null then 'unknown' when down > 0 then 'down'
                              when degraded > 0 then 'degraded' else 'up' end)
               order by t) as bars
      from buckets group by application_id
)
select p.*, up.uptime_24h, up.uptime_7d, up.uptime_30d, bars.bars
  from page p left join up on up.application_id = p.id
  left join bars on bars.application_id = p.id
 order by {sort_outer}
"""


def overview(conn: Connection, *, q: str | None = None, tag: str | None = None,
             env: str | None = None, sort: str = "status", page: int = 1,
             page_size: int = 25, bar: str = "hour", bars: int = 90,
             now: datetime | None = None) -> dict[str, Any]:
    """One page of applications with uptime, last response, bars and open alerts."""
    if sort not in SORTS:
        raise Invalid(f"sort must be one of {', '.join(SORTS)}", field="sort")
    if bar not in BARS:
        raise Invalid("bar must be hour or day", field="bar")
    if not 1 <= page_size <= MAX_EXPORT:
        raise Invalid(f"page_size must be between 1 and {MAX_EXPORT}", field="page_size")
    if page < 1:
        raise Invalid("page must be 1 or more", field="page")
    if now is None:  # as of now: the same for every page asking within a few seconds
        return cache.remember(
            ("monitoring.overview", q, tag, env, sort, page, page_size, bar, bars),
            lambda: _overview(conn, q, tag, env, sort, page, page_size, bar, bars, utcnow()))
    return _overview(conn, q, tag, env, sort, page, page_size, bar, bars, now)


def _overview(conn: Connection, q: str | None, tag: str | None, env: str | None, sort: str,
              page: int, page_size: int, bar: str, bars: int,
              now: datetime) -> dict[str, Any]:
    step = BARS[bar]
    last = ORIGIN + ((now - ORIGIN) // step) * step  # start of the current interval
    sql = OVERVIEW.format(sort=SORTS[sort][0], sort_outer=SORTS[sort][1])
    rows = conn.execute(text(sql), {
        "q": f"%{q.strip()}%" if q and q.strip() else None, "tag": tag or None,
        "env": env or None, "limit": page_size, "offset": (page - 1) * page_size,
        "since_24h": now - timedelta(hours=24), "since_7d": now - timedelta(days=7),
        "since_30d": now - timedelta(days=30), "bars_since": last - step * (bars - 1),
        "bars_last": last, "bar_step": step}).all()
    items = [dict(r._mapping) for r in rows]
    total = items[0]["total"] if items else 0
    return {"items": items, "total": total, "page": page, "page_size": page_size,
            "pages": max(1, -(-total // page_size))}


def facets(conn: Connection) -> dict[str, list[str]]:
    """Every tag and environment in use, for the filter menus."""
    row = conn.execute(text("""
        select array(select distinct unnest(tags) from applications order by 1) as tags,
               array(select distinct environment from applications
                      where environment is not null order by 1) as environments""")).one()
    return {"tags": list(row.tags), "environments": list(row.environments)}


EXPORT_HEADER = ["application", "name", "environment", "tags", "status", "checks",
                 "uptime_24h", "uptime_7d", "uptime_30d", "last_response_ms", "open_alerts"]


def export_rows(conn: Connection, **filters: Any) -> list[list[Any]]:
    """Every application matching the filters (not just one page), as CSV rows."""
    items = overview(conn, page_size=MAX_EXPORT, **filters)["items"]
    return [[a["slug"], a["name"], a["environment"], " ".join(a["tags"]), a["status"],
             a["checks"], a["uptime_24h"], a["uptime_7d"], a["uptime_30d"],
             a["last_response_ms"], a["open_alerts"]] for a in items]
