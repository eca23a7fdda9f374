"""Headline numbers for the dashboard, in one round trip; kept a few seconds in web
processes (jadugar.services.cache), since every open dashboard asks for them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from jadugar.services import cache

# applications_warming: applications with a check that a collector started in the last
# five minutes has not run yet. Their status is still the one from before (or none), so
# the dashboard says "warming up" rather than counting them as up, down or degraded.
SUMMARY = text("""
select
  (select count(*) from projects) as projects,
  (select count(*) from builds where created_at >= date_trunc('day', now())) as builds_today,
  (select count(*) filter (where status = 'success')::float
          / nullif(count(*) filter (where status in ('success', 'failed')), 0)
     from builds where created_at >= now() - interval '7 days') as success_rate_7d,
  (select count(*) from builds where status in ('queued', 'running')) as builds_running,
  (select count(*) from applications) as applications,
  (select count(*) from applications where status = 'up') as applications_up,
  (select count(*) from applications where status = 'degraded') as applications_degraded,
  (select count(*) from applications where status = 'down') as applications_down,
  (select count(*) from alerts where state <> 'resolved') as open_alerts,
  (select count(distinct c.application_id)
     from health_checks c,
          (select max(started_at) as at from collectors
            where last_seen_at > now() - interval '30 seconds'
              and started_at > now() - interval '5 minutes') k
    where k.at is not null and c.enabled and c.type <> 'heartbeat'
      and (c.last_run_at is null or c.last_run_at < k.at)) as applications_warming
""")

RECENT_BUILDS = text("""
select b.id, p.slug as project, b.number, b.branch, b.status, b.progress, b.created_at,
       b.duration_s
  from builds b join projects p on p.id = b.project_id
 order by b.created_at desc, b.id desc
 limit :limit
""")


def summary(conn: Connection) -> dict[str, Any]:
    return cache.remember(("dashboard.summary",),
                          lambda: dict(conn.execute(SUMMARY).one()._mapping))


def recent_builds(conn: Connection, limit: int = 10) -> list[dict[str, Any]]:
    return cache.remember(("dashboard.recent_builds", limit), lambda: [
        dict(r._mapping) for r in conn.execute(RECENT_BUILDS, {"limit": limit})])
