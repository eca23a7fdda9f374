"""Chart data for the build pages, aggregated in SQL (date_bin, percentile_cont, windows).

Every function returns a small DataFrame: at most MAX_POINTS points per chart whatever the
number of builds, so a page stays light with 100,000 builds behind it. Times come back as
aware UTC (`datetime64[us, UTC]`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from jadugar.services.build_reads import WHERE, BuildFilter, csv_query

MAX_POINTS = 1500
# A Monday at 00:00 UTC, so weekly buckets start on Mondays and daily ones at UTC midnight
# (what date_trunc('week' | 'day', ..., 'UTC') gives) whatever the session time zone.
ORIGIN = datetime(2000, 1, 3, tzinfo=UTC)


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
                    limit: int = MAX_POINTS, total: int | None = None) -> pd.DataFrame:
    """One point per build, thinned evenly (every n-th by time) above `limit` builds;
    abnormally long builds (duration_anomaly.py) are always kept, to be marked.

    `total` (builds with a duration under `flt`) sets the stride; project_charts already
    knows it from the trend, which spares a `count(*) over ()` that holds every row."""
    if total is None:
        total = conn.scalar(text(f"select count(*) from builds b {WHERE} "
                                 "and b.duration_s is not null"), flt.params(pid)) or 0
    return _read(conn, f"""
        select id, number, branch, status, created_at, duration_s, anomalous from (
            select b.id, b.number, b.branch, b.status, b.created_at, b.duration_s,
                   coalesce(i.anomalous, false) as anomalous,
                   row_number() over (order by b.created_at, b.id) as rn
              from builds b left join build_insights i on i.build_id = b.id
              {WHERE} and b.duration_s is not null) b
         where (rn - 1) % :stride = 0 or anomalous
         order by created_at""", {**flt.params(pid), "stride": max(1, -(-total // limit))})


def duration_trend(conn: Connection, pid: int, flt: BuildFilter,
                   step: timedelta) -> pd.DataFrame:
    return _read(conn, f"""
        select date_bin(:step, b.created_at, :origin) as bucket,
               percentile_cont(0.5) within group (order by b.duration_s) as p50,
               percentile_cont(0.95) within group (order by b.duration_s) as p95,
               count(*) as builds
          from builds b {WHERE} and b.duration_s is not null
         group by 1 order by 1""", {**flt.params(pid), "step": step, "origin": ORIGIN})


UNITS = {"day": timedelta(days=1), "week": timedelta(days=7)}


def outcome_counts(conn: Connection, pid: int, flt: BuildFilter,
                   width: timedelta) -> pd.DataFrame:
    """Builds per `width` bucket and status (long form: bucket, status, builds). One hashed
    pass that both the outcomes chart and the success rate are cut from."""
    return _read(conn, f"""
        select date_bin(:width, b.created_at, :origin) as bucket, b.status,
               count(*) as builds
          from builds b {WHERE}
         group by 1, 2 order by 1, 2""", {**flt.params(pid), "width": width,
                                          "origin": ORIGIN})


def rebin(counts: pd.DataFrame, step: timedelta) -> pd.DataFrame:
    """Counts in wider buckets. Fine buckets of an hour or a day nest exactly in any step
    (all are whole hours or days from the same Monday ORIGIN), so this equals date_bin."""
    out = counts.copy()
    origin = pd.Timestamp(ORIGIN)
    # An empty result comes back with an untyped (object) column; make it datetimes.
    out["bucket"] = pd.to_datetime(out["bucket"], utc=True)
    out["bucket"] = origin + ((out["bucket"] - origin) // step) * step
    return out.groupby(["bucket", "status"], as_index=False)["builds"].sum()


def outcomes(counts: pd.DataFrame, step: timedelta) -> pd.DataFrame:
    """Builds per step bucket and status (long form: bucket, status, builds)."""
    return rebin(counts, step)


def success_rate(counts: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Share of finished builds (success or failed) that succeeded, per day or week."""
    per = rebin(counts, UNITS.get(unit, UNITS["day"]))
    ok = per["builds"].where(per["status"] == "success", 0)
    done = per["builds"].where(per["status"].isin(("success", "failed")), 0)
    out = (per.assign(ok=ok, finished=done).groupby("bucket", as_index=False)
           [["ok", "finished"]].sum())
    out["success_rate"] = out["ok"] / out["finished"].where(out["finished"] > 0)
    return out[["bucket", "success_rate", "finished"]]


STAGE_SAMPLE = 5000


def stage_durations(conn: Connection, pid: int, flt: BuildFilter) -> pd.DataFrame:
    """Median and p95 per stage over the latest STAGE_SAMPLE builds of the range: enough for
    stable percentiles, and bounded however long the range (a year holds 500,000 stages).
    `builds` says how many builds were sampled, so the chart can say so.

    `= any(array(...))` makes PostgreSQL probe the covering stage index per build; a join
    let it hash all stages of every build instead."""
    return _read(conn, f"""
        with recent as (select array(select b.id from builds b {WHERE}
                                      order by b.created_at desc limit {STAGE_SAMPLE}) as ids)
        select s.name as stage,
               percentile_cont(0.5) within group (order by s.duration_s) as p50,
               percentile_cont(0.95) within group (order by s.duration_s) as p95,
               count(*) as runs,
               count(*) filter (where s.status = 'failed') as failures,
               max(cardinality(recent.ids)) as builds
          from recent, build_stages s
         where s.build_id = any(recent.ids) and s.duration_s is not null
         group by s.name order by min(s.position), s.name limit 50""", flt.params(pid))


def branch_health(conn: Connection, pid: int, flt: BuildFilter,
                  limit: int = 12) -> pd.DataFrame:
    """Per branch: failure rate, flakiness (share of consecutive runs whose outcome flipped
    between success and failed), p50 duration, the current and the longest failure streak.

    One pass, newest first per branch, which is the order of the builds_branch_outcomes
    index, so nothing is sorted. `newer_ok` counts successes at or after a run (0: the run
    is in the current failure streak); `since_ok` is a run's place counted from the nearest
    newer success, so its maximum over failures is the longest streak. Both levels share
    one window order and the final grouping is by the partition key, so PostgreSQL keeps
    the index order throughout. (Tried and slower: a CTE read twice, which re-sorted all
    runs by branch; grouping streaks in a CTE with the median in its own pass.)"""
    return _read(conn, f"""
        select branch, count(*) as runs,
               avg((status = 'failed')::int) as failure_rate,
               avg((older is not null and older <> status)::int) as flip_rate,
               percentile_cont(0.5) within group (order by duration_s) as p50,
               coalesce(max(since_ok) filter (where status = 'failed'), 0) as longest_streak,
               count(*) filter (where status = 'failed' and newer_ok = 0) as current_streak
          from (
            select branch, status, duration_s, older, newer_ok,
                   rn - coalesce(max(rn) filter (where status = 'success') over w, 0)
                       as since_ok
              from (
                select b.branch, b.status, b.duration_s, b.created_at, b.id,
                       lead(b.status) over w as older,
                       count(*) filter (where b.status = 'success') over w as newer_ok,
                       row_number() over w as rn
                  from builds b {WHERE} and b.status in ('success', 'failed')
                   and b.branch is not null
                window w as (partition by b.branch order by b.created_at desc, b.id desc
                             rows unbounded preceding)
              ) runs
            window w as (partition by branch order by created_at desc, id desc
                         rows unbounded preceding)
          ) marked
         group by branch
         order by runs desc, branch limit :limit""", {**flt.params(pid), "limit": limit})


def branches(conn: Connection, pid: int, limit: int = 200) -> list[str]:
    """Branch names for the filter, most recently built first.

    A loose index scan: hop from one branch to the next in builds_project_branch_time and
    take each branch's newest build from the same index, a few probes per branch instead of
    grouping every build of the project."""
    return [r.branch for r in conn.execute(text("""
        with recursive names as (
            (select branch from builds where project_id = :pid and branch is not null
              order by branch limit 1)
            union all
            select (select b.branch from builds b
                     where b.project_id = :pid and b.branch > names.branch
                     order by b.branch limit 1)
              from names where names.branch is not null
        )
        select n.branch from names n cross join lateral (
            select created_at from builds b where b.project_id = :pid and b.branch = n.branch
             order by created_at desc limit 1) latest
         where n.branch is not null
         order by latest.created_at desc limit :limit"""), {"pid": pid, "limit": limit})]


def project_charts(conn: Connection, pid: int, flt: BuildFilter,
                   unit: str = "day") -> dict[str, pd.DataFrame]:
    """Everything the charts of /builds/<slug> draw, for one set of filters. The success
    rate and branch health ignore the status filter (a success rate of failed builds says
    nothing), and the page says so beside them; durations, outcomes and stages apply it."""
    assert flt.since is not None and flt.until is not None
    roomy_sorts(conn)
    step = step_for(flt.since, flt.until)
    every = replace(flt, status=None)
    trend = duration_trend(conn, pid, every, step)
    counts = outcome_counts(conn, pid, every, min(step, UNITS["day"]))
    total = int(trend["builds"].sum()) if flt.status is None else None
    return {
        "durations": duration_points(conn, pid, flt, total=total),
        "trend": trend,
        "outcomes": outcomes(counts if flt.status is None
                             else counts[counts["status"] == flt.status], step),
        "success": success_rate(counts, unit),
        "stages": stage_durations(conn, pid, flt),
        "branches": branch_health(conn, pid, every),
    }


def build_table(conn: Connection, pid: int, flt: BuildFilter) -> pd.DataFrame:
    """Every build matching the filters (status included), as the builds CSV has them."""
    query, params = csv_query(flt, pid)
    return pd.read_sql(query, conn, params=params)


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
