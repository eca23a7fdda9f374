"""Chart data for the build pages, aggregated in SQL (date_bin, percentile_cont, windows).

Every function returns a small DataFrame: at most MAX_POINTS points per chart whatever the
number of builds, so a page stays light with 100,000 builds behind it. Times come back as
aware UTC (`datetime64[us, UTC]`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from jadugar.services.build_reads import WHERE, BuildFilter

MAX_POINTS = 1500
ORIGIN = datetime(2000, 1, 3)  # a Monday, so weekly buckets start on Mondays


def step_for(since: datetime, until: datetime) -> timedelta:
    """A bucket size that keeps a chart under ~400 buckets for any range."""
    span = until - since
    if span <= timedelta(days=2):
        return timedelta(hours=1)
    if span <= timedelta(days=120):
        return timedelta(days=1)
    if span <= timedelta(days=800):
        return timedelta(days=7)
    return timedelta(days=30)


def roomy_sorts(conn: Connection) -> None:
    """Give this transaction's sorts and windows room in memory: with 100,000 builds the
    default 4 MB work_mem spills them to disk and a page takes seconds instead of ms."""
    conn.execute(text("set local work_mem = '64MB'"))


def _read(conn: Connection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    return pd.read_sql(text(sql), conn, params=params)


def duration_points(conn: Connection, pid: int, flt: BuildFilter,
                    limit: int = MAX_POINTS) -> pd.DataFrame:
    """One point per build, thinned evenly (every n-th by time) above `limit` builds."""
    return _read(conn, f"""
        with b as (
            select b.id, b.number, b.branch, b.status, b.created_at, b.duration_s,
                   row_number() over (order by b.created_at, b.id) as rn,
                   count(*) over () as n
              from builds b {WHERE} and b.duration_s is not null)
        select id, number, branch, status, created_at, duration_s from b
         where (rn - 1) % greatest(1, ceil(n::float / :limit)::int) = 0
         order by created_at""", {**flt.params(pid), "limit": limit})


def duration_trend(conn: Connection, pid: int, flt: BuildFilter,
                   step: timedelta) -> pd.DataFrame:
    return _read(conn, f"""
        select date_bin(:step, b.created_at, :origin) as bucket,
               percentile_cont(0.5) within group (order by b.duration_s) as p50,
               percentile_cont(0.95) within group (order by b.duration_s) as p95,
               count(*) as builds
          from builds b {WHERE} and b.duration_s is not null
         group by 1 order by 1""", {**flt.params(pid), "step": step, "origin": ORIGIN})


def outcomes(conn: Connection, pid: int, flt: BuildFilter, step: timedelta) -> pd.DataFrame:
    """Builds per bucket and status (long form: bucket, status, builds)."""
    return _read(conn, f"""
        select date_bin(:step, b.created_at, :origin) as bucket, b.status, count(*) as builds
          from builds b {WHERE}
         group by 1, 2 order by 1, 2""", {**flt.params(pid), "step": step, "origin": ORIGIN})


def success_rate(conn: Connection, pid: int, flt: BuildFilter, unit: str) -> pd.DataFrame:
    """Share of finished builds (success or failed) that succeeded, per day or week."""
    if unit not in ("day", "week"):
        unit = "day"
    return _read(conn, f"""
        select date_trunc(:unit, b.created_at, 'UTC') as bucket,
               count(*) filter (where b.status = 'success')::float
                   / nullif(count(*) filter (where b.status in ('success', 'failed')), 0)
                   as success_rate,
               count(*) filter (where b.status in ('success', 'failed')) as finished
          from builds b {WHERE}
         group by 1 order by 1""", {**flt.params(pid), "unit": unit})


STAGE_SAMPLE = 5000


def stage_durations(conn: Connection, pid: int, flt: BuildFilter) -> pd.DataFrame:
    """Median and p95 per stage over the latest STAGE_SAMPLE builds of the range: enough for
    stable percentiles, and bounded however long the range."""
    return _read(conn, f"""
        with recent as (select b.id from builds b {WHERE}
                         order by b.created_at desc limit {STAGE_SAMPLE})
        select s.name as stage,
               percentile_cont(0.5) within group (order by s.duration_s) as p50,
               percentile_cont(0.95) within group (order by s.duration_s) as p95,
               count(*) as runs,
               count(*) filter (where s.status = 'failed') as failures
          from recent join build_stages s on s.build_id = recent.id
         where s.duration_s is not null
         group by s.name order by min(s.position), s.name limit 50""", flt.params(pid))


def branch_health(conn: Connection, pid: int, flt: BuildFilter,
                  limit: int = 12) -> pd.DataFrame:
    """Per branch: failure rate, flakiness (share of consecutive runs whose outcome flipped
    between success and failed), p50 duration, the current and the longest failure streak.

    A streak is the run of failures after the k-th success, so `grp` (successes so far)
    numbers the streaks."""
    return _read(conn, f"""
        with b as (
            select b.branch, b.status, b.duration_s,
                   lag(b.status) over w as prev,
                   count(*) filter (where b.status = 'success')
                       over (w rows unbounded preceding) as grp
              from builds b {WHERE} and b.status in ('success', 'failed')
               and b.branch is not null
            window w as (partition by b.branch order by b.created_at, b.id)
        ), streaks as (
            -- only failures: a few thousand groups, not one per success
            select branch, grp, count(*) as fails from b where status = 'failed'
             group by branch, grp
        ), agg as (
            select branch, count(*) as runs,
                   avg((status = 'failed')::int) as failure_rate,
                   avg((prev is not null and prev <> status)::int) as flip_rate,
                   percentile_cont(0.5) within group (order by duration_s) as p50,
                   max(grp) as last_grp
              from b group by branch
        )
        select a.branch, a.runs, a.failure_rate, a.flip_rate, a.p50,
               coalesce((select max(fails) from streaks s where s.branch = a.branch), 0)
                   as longest_streak,
               coalesce((select fails from streaks s
                          where s.branch = a.branch and s.grp = a.last_grp), 0)
                   as current_streak
          from agg a
         order by a.runs desc limit :limit""", {**flt.params(pid), "limit": limit})


def branches(conn: Connection, pid: int, limit: int = 200) -> list[str]:
    """Branch names for the filter, most recently built first."""
    return [r.branch for r in conn.execute(text("""
        select branch from builds where project_id = :pid and branch is not null
         group by branch order by max(created_at) desc limit :limit"""),
        {"pid": pid, "limit": limit})]


def project_charts(conn: Connection, pid: int, flt: BuildFilter,
                   unit: str = "day") -> dict[str, pd.DataFrame]:
    """Everything the charts of /builds/<slug> draw, for one set of filters. Aggregates
    ignore the status filter (a success rate of failed builds says nothing)."""
    assert flt.since is not None and flt.until is not None
    roomy_sorts(conn)
    step = step_for(flt.since, flt.until)
    every = replace(flt, status=None)
    return {
        "durations": duration_points(conn, pid, flt),
        "trend": duration_trend(conn, pid, every, step),
        "outcomes": outcomes(conn, pid, every, step),
        "success": success_rate(conn, pid, every, unit),
        "stages": stage_durations(conn, pid, every),
        "branches": branch_health(conn, pid, every),
    }


def milestone_progress(conn: Connection, pid: int) -> pd.DataFrame:
    """Every milestone with its progress snapshots (one row per snapshot)."""
    return _read(conn, """
        select m.id, m.title, m.status, m.progress, m.due_on, m.created_at,
               p.ts, p.value
          from milestones m left join progress p on p.milestone_id = m.id
         where m.project_id = :pid
         order by m.due_on nulls last, m.id, p.ts""", {"pid": pid})


OVERVIEW = """
select p.id, p.slug, p.name, latest.status as latest_status, latest.created_at as latest_at,
       s.rate_7d, s.rate_30d, s.p50, s.p95, s.builds_30d
  from projects p
  left join lateral (
      select status, created_at from builds where project_id = p.id
       order by created_at desc, id desc limit 1) latest on true
  left join lateral (
      select count(*) filter (where status = 'success'
                                and created_at >= now() - interval '7 days')::float
               / nullif(count(*) filter (where status in ('success', 'failed')
                                         and created_at >= now() - interval '7 days'), 0)
               as rate_7d,
             count(*) filter (where status = 'success')::float
               / nullif(count(*) filter (where status in ('success', 'failed')), 0) as rate_30d,
             percentile_cont(0.5) within group (order by duration_s) as p50,
             percentile_cont(0.95) within group (order by duration_s) as p95,
             count(*) as builds_30d
        from builds where project_id = p.id and created_at >= now() - interval '30 days') s
    on true
 order by p.slug
"""


def overview(conn: Connection) -> dict[str, pd.DataFrame]:
    """/builds: one row per project, the builds in flight, and the last 30 builds of each."""
    return {
        "projects": _read(conn, OVERVIEW, {}),
        "running": _read(conn, """
            select b.id, b.project_id, b.number, b.branch, b.status, b.progress, b.created_at
              from builds b where b.status in ('queued', 'running')
             order by b.created_at desc limit 200""", {}),
        "recent": _read(conn, """
            select p.id as project_id, r.id, r.status, r.duration_s, r.created_at
              from projects p cross join lateral (
                  select id, status, duration_s, created_at from builds
                   where project_id = p.id order by created_at desc, id desc limit 30) r
             order by p.id, r.created_at""", {}),
    }
