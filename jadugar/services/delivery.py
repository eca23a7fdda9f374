"""Delivery metrics (the four DORA keys) per project and time range, computed in SQL.

- deploy frequency: successful builds of kind `deploy` per day; a project that never marks
  deploys counts successful builds of its default branch instead (`basis` says which).
- lead time: median of (commit time, else build start) → successful deploy finished.
- change failure rate: failed / (failed + successful) deploys on the same basis.
- time to restore: median of first failure → next success in the same lane (a deploy's
  environment, else a build's branch), over failure streaks that began in the range.

Builds are chosen by created_at, which the (project_id, created_at) index serves."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.services.build_series import roomy_sorts
from jadugar.services.projects import get_project
from jadugar.timeutil import iso, utcnow

DEFAULT_RANGE = timedelta(days=30)

# Both periods in one statement: the lanes window (the costly part) sorts the rows once for
# the range and the one before it, instead of twice, and the earlier period sees restores
# that happened in the later one. `period` is 'now' for [since, until), 'before' for
# [before, since).
METRICS = text("""
with has_deploys as (
    select exists(select 1 from builds where project_id = :pid and kind = 'deploy'
                     and created_at >= :since and created_at < :until) as now,
           exists(select 1 from builds where project_id = :pid and kind = 'deploy'
                     and created_at >= :before and created_at < :since) as before
), basis as (
    select case when b.created_at >= :since then 'now' else 'before' end as period,
           b.status, b.finished_at, coalesce(b.commit_at, b.started_at) as began
      from builds b, has_deploys h
     where b.project_id = :pid and b.created_at >= :before and b.created_at < :until
       and b.status in ('success', 'failed')
       -- implied by the case below, but indexable: deploys and default-branch builds only,
       -- not every build of the project (a BitmapOr of builds_deploys and the branch index)
       and (b.kind = 'deploy' or b.branch = :default_branch)
       and case when (case when b.created_at >= :since then h.now else h.before end)
                then b.kind = 'deploy' else b.branch = :default_branch end
), lanes as (
    -- no upper bound: a failure near the end of a range may be restored after it
    select case when kind = 'deploy' then 'env:' || coalesce(environment, '')
                else 'branch:' || coalesce(branch, '') end as lane,
           status, finished_at, created_at
      from builds
     where project_id = :pid and created_at >= :before and finished_at is not null
       and status in ('success', 'failed')
), marked as (
    -- One window order, newest first: `lead` is the run before, and the frame grows from
    -- the front (linear; a frame that shrinks from the front is quadratic for min()).
    select status, finished_at, created_at,
           lead(status) over w as prev,
           min(finished_at) filter (where status = 'success') over w as restored_at
      from lanes
    window w as (partition by lane order by finished_at desc
                 rows between unbounded preceding and current row)
), restore as (
    select case when created_at >= :since then 'now' else 'before' end as period,
           percentile_cont(0.5) within group (
               order by extract(epoch from restored_at - finished_at)) as ttr,
           count(*) as incidents
      from marked
     where status = 'failed' and prev is distinct from 'failed'
       and restored_at is not null and created_at < :until
     group by 1
), delivered as (
    select period, count(*) filter (where status = 'success') as deploys,
           percentile_cont(0.5) within group (order by extract(epoch from finished_at - began))
               filter (where status = 'success' and began is not null
                       and finished_at is not null) as lead_time_s,
           count(*) filter (where status = 'failed')::float / nullif(count(*), 0)
               as change_failure_rate
      from basis group by period
)
select p.period, case when p.period = 'now' then h.now else h.before end as deploy_basis,
       coalesce(d.deploys, 0) as deploys, d.lead_time_s, d.change_failure_rate,
       r.ttr as time_to_restore_s, coalesce(r.incidents, 0) as incidents
  from (values ('now'), ('before')) p(period) cross join has_deploys h
  left join delivered d on d.period = p.period
  left join restore r on r.period = p.period
""")


def _period(row: Any, since: datetime, until: datetime) -> dict[str, Any]:
    days = max((until - since).total_seconds() / 86400, 1 / 24)
    return {
        "since": iso(since), "until": iso(until),
        "basis": "deploys" if row.deploy_basis else "default-branch builds",
        "deploys": row.deploys, "deploys_per_day": round(row.deploys / days, 3),
        "lead_time_s": _num(row.lead_time_s),
        "change_failure_rate": _num(row.change_failure_rate),
        "time_to_restore_s": _num(row.time_to_restore_s), "incidents": row.incidents,
    }


def _num(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def for_project(conn: Connection, slug: str, since: datetime | None = None,
                until: datetime | None = None) -> dict[str, Any]:
    """Metrics for [since, until) (default: the last 30 days) and for the range of the same
    length just before it, so a page can say whether delivery is getting better."""
    project = get_project(conn, slug)
    roomy_sorts(conn)
    until = until or utcnow()
    since = since or until - DEFAULT_RANGE
    before = since - (until - since)
    rows = {r.period: r for r in conn.execute(METRICS, {
        "pid": project.id, "before": before, "since": since, "until": until,
        "default_branch": project.default_branch})}
    out = _period(rows["now"], since, until)
    out["previous"] = _period(rows["before"], before, since)
    return out
