"""Delivery metrics (the four DORA keys) per project, environment set and time range.

Definitions, as the DORA research program states them, on production deploys only: builds of
kind `deploy` whose environment is one of the production names (JADUGAR_PRODUCTION_ENVIRONMENTS,
compared case-insensitively, or the names a caller passes). A deploy belongs to the range in
which it finished (reached production, or failed to); webhooks may arrive late, so not by
created_at. The index builds_production_deploys (migration 0011) serves these reads.

- deployment frequency: successful production deploys per day.
- lead time for changes: median of head-commit time → the production deploy that first
  shipped that commit. The commit time is the deploy's own `commit_at`, else that of any
  build of the same commit (a GitHub or GitLab deployment names only the SHA; its CI run
  carries the head commit's timestamp). Redeploys and rollbacks ship no new change and are
  left out; a deploy with no known commit time is left out too, never guessed from the
  build start, and `lead_time_deploys` says how many were measured.
- change failure rate: share of production deploys (successful or failed) that failed. A
  deploy failed when it
  * failed itself (a failed production deploy), or
  * was rolled back: the next successful production deploy is a rollback, i.e. it has
    trigger 'rollback', or it ships a commit already shipped before and different from the
    one it replaces (a deploy of an older version), or
  * was followed by a monitoring incident: an alert (severity warning or critical) on an
    application linked to the project (application_projects) firing within the window
    (JADUGAR_CHANGE_FAILURE_WINDOW_H) after the deploy and before the next one.
  A failed deploy is itself the failed change: blaming the deploy before it would blame a
  change that was working.
- time to restore: median over the failed deploys with every failure over of (first failure
  → the last one over). A failed deploy is over at the next successful production deploy; a
  rollback's failure runs from the rolled-back deploy to the rollback; an incident from
  firing to resolved. Failures not yet over are counted in `open_failures`.

`failures` equals the numerator of the change failure rate, so the tiles cannot say "0 %"
next to "84 incidents". `deploy_rows` lists the deploys counted, with what was found on each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import Connection, text

from jadugar import config
from jadugar.services.projects import get_project
from jadugar.timeutil import iso, utcnow

DEFAULT_RANGE = timedelta(days=30)

# The production deploys finished in [since, until) plus the last successful one before (it
# may be rolled back in the range), and everything after (the deploy that ends a window or
# restores).
DEPLOYS = """
with prev as (
    select finished_at from builds
     where project_id = :pid and kind = 'deploy' and status = 'success'
       and lower(environment) = any(:envs) and finished_at < :since
     order by finished_at desc limit 1
), prod as (
    select b.id, b.number, b.status, b.environment, b.created_at, b.finished_at, b.commit_sha,
           b.trigger,
           coalesce(b.commit_at, (select max(c.commit_at) from builds c
                                   where c.project_id = :pid and c.commit_sha = b.commit_sha))
               as commit_at
      from builds b
     where b.project_id = :pid and b.kind = 'deploy' and lower(b.environment) = any(:envs)
       and b.status in ('success', 'failed') and b.finished_at is not null
       and b.finished_at >= coalesce((select finished_at from prev), :since)
), ok as (
    select p.*, lag(id) over w as prev_id, lag(commit_sha) over w as prev_sha,
           lag(finished_at) over w as prev_finished_at, lead(finished_at) over w as next_at,
           exists(select 1 from builds e
                   where e.project_id = :pid and e.commit_sha = p.commit_sha
                     and e.kind = 'deploy' and e.status = 'success'
                     and lower(e.environment) = any(:envs)
                     and e.finished_at < p.finished_at) as redeploy
      from prod p where status = 'success'
    window w as (order by finished_at, id)
), marked as (
    select ok.*, prev_id is not null and (trigger is not distinct from 'rollback'
               or (redeploy and commit_sha is distinct from prev_sha)) as rollback
      from ok
), failed as (
    -- newest first with a frame that grows from the front (linear): the earliest success
    -- at or after each deploy, i.e. the one that restores a failed deploy
    select * from (
        select p.*, min(finished_at) filter (where status = 'success')
                        over (order by finished_at desc, id desc rows unbounded preceding)
                        as next_ok_at
          from prod p) f
     where status = 'failed'
), events as (
    select prev_id as deploy_id, 'rolled back by #' || coalesce(number, id) as failure,
           prev_finished_at as began, finished_at as restored_at
      from marked where rollback
    union all
    select id, 'deploy failed', finished_at, next_ok_at from failed
    union all
    select o.id, 'incident: ' || al.title, al.fired_at, al.resolved_at
      from ok o
      join alerts al on al.fired_at >= o.finished_at
                    and al.fired_at < least(o.finished_at + :window,
                                            coalesce(o.next_at, 'infinity'))
      left join health_checks hc on hc.id = al.check_id
      join application_projects ap
        on ap.application_id = coalesce(al.application_id, hc.application_id)
       and ap.project_id = :pid
     where al.severity <> 'info'
), per_deploy as (
    select deploy_id, array_agg(failure order by began) as failures, min(began) as began,
           max(restored_at) as restored_at, count(*) - count(restored_at) as open
      from events group by deploy_id
), deploys as (
    -- every deploy once with its marks, in one pass each (joining them back was quadratic)
    select id, number, status, environment, created_at, finished_at, commit_sha, commit_at,
           rollback, redeploy from marked
    union all
    select id, number, status, environment, created_at, finished_at, commit_sha, commit_at,
           false, false from failed
)
select d.id, d.number, d.status, d.environment, d.created_at, d.finished_at, d.commit_sha,
       d.commit_at, d.rollback, d.redeploy,
       case when d.status = 'success' and not d.redeploy and not d.rollback
            then extract(epoch from d.finished_at - d.commit_at) end as lead_time_s,
       e.failures, e.began,
       case when e.open = 0 then e.restored_at end as restored_at
  from deploys d left join per_deploy e on e.deploy_id = d.id
 where d.finished_at >= :since and d.finished_at < :until
 order by d.finished_at, d.id
"""


ROW_COLUMNS = ("id", "number", "status", "environment", "created_at", "finished_at",
               "commit_sha", "commit_at", "rollback", "redeploy", "lead_time_s", "failures",
               "began", "restored_at", "time_to_restore_s")


def environments(conn: Connection, project_id: int, limit: int = 50) -> list[str]:
    """The environments a project has deployed to, most deployed first (for the filter)."""
    return list(conn.scalars(text("""
        select environment from builds
         where project_id = :pid and kind = 'deploy' and environment is not null
         group by environment order by count(*) desc, environment limit :limit"""),
        {"pid": project_id, "limit": limit}))


def production_environments() -> list[str]:
    """The environment names that count as production (JADUGAR_PRODUCTION_ENVIRONMENTS)."""
    raw = config.get().production_environments or ""
    return [name.strip().lower() for name in raw.split(",") if name.strip()]


def failure_window() -> timedelta:
    return timedelta(hours=config.get().change_failure_window_h)


def deploy_rows(conn: Connection, project_id: int, since: datetime, until: datetime,
                environments: Sequence[str] | None = None,
                window: timedelta | None = None) -> list[dict[str, Any]]:
    """Each production deploy finished in [since, until), oldest first, with its lead time
    (None when not counted), whether it is a rollback or a redeploy, the failures found on
    it, when the first began and when the last was over (None while one is open)."""
    envs = [e.lower() for e in environments] if environments else production_environments()
    rows = conn.execute(text(DEPLOYS), {
        "pid": project_id, "envs": envs, "since": since, "until": until,
        "window": window or failure_window()})
    out = []
    for row in rows:
        item = dict(row._mapping)
        item["failures"] = list(item["failures"] or [])
        item["lead_time_s"] = _num(item["lead_time_s"])
        item["time_to_restore_s"] = (
            (item["restored_at"] - item["began"]).total_seconds()
            if item["restored_at"] is not None else None)
        out.append(item)
    return out


def summarise(rows: list[dict[str, Any]], since: datetime, until: datetime) -> dict[str, Any]:
    """The four keys from deploy_rows (a few hundred rows at most: one per deploy)."""
    days = max((until - since).total_seconds() / 86400, 1 / 24)
    ok = [r for r in rows if r["status"] == "success"]
    leads = [r["lead_time_s"] for r in rows if r["lead_time_s"] is not None]
    failed = [r for r in rows if r["failures"]]
    restores = [r["time_to_restore_s"] for r in failed if r["time_to_restore_s"] is not None]
    return {
        "since": iso(since), "until": iso(until),
        "deploys": len(ok), "deploys_per_day": round(len(ok) / days, 3),
        "failed_deploys": len(rows) - len(ok),
        "rollbacks": sum(1 for r in rows if r["rollback"]),
        "lead_time_s": _num(median(leads)) if leads else None,
        "lead_time_deploys": len(leads),
        "change_failure_rate": _num(len(failed) / len(rows)) if rows else None,
        "failures": len(failed),
        "rolled_back": sum(1 for r in failed if any(f.startswith("rolled back")
                                                     for f in r["failures"])),
        "with_incident": sum(1 for r in failed if any(f.startswith("incident")
                                                       for f in r["failures"])),
        "time_to_restore_s": _num(median(restores)) if restores else None,
        "open_failures": len(failed) - len(restores),
    }


def _num(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def for_project(conn: Connection, slug: str, since: datetime | None = None,
                until: datetime | None = None, environments: Sequence[str] | None = None,
                ) -> dict[str, Any]:
    """Metrics for [since, until) (default: the last 30 days) and for the range of the same
    length just before it, so a page can say whether delivery is getting better."""
    return with_rows(conn, slug, since, until, environments)[0]


def with_rows(conn: Connection, slug: str, since: datetime | None = None,
              until: datetime | None = None, environments: Sequence[str] | None = None,
              ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """for_project's answer and the deploy_rows of [since, until) behind it."""
    project = get_project(conn, slug)
    until = until or utcnow()
    since = since or until - DEFAULT_RANGE
    before = since - (until - since)
    envs = [e.lower() for e in environments] if environments else production_environments()
    rows = deploy_rows(conn, project.id, since, until, envs)
    out = summarise(rows, since, until)
    out["environments"] = envs
    out["window_h"] = failure_window().total_seconds() / 3600
    out["previous"] = summarise(deploy_rows(conn, project.id, before, since, envs),
                                before, since)
    return out, rows
