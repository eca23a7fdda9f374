"""A project's tests over a period: runs, failures, flakiness, durations and their trend.

Flaky means the code did not decide the outcome:
- strong evidence: on one commit the test both passed and failed (a re-run of the build,
  another build of the same commit, a retry inside one build, or Surefire's flaky
  elements, which record a failure and a pass in one case);
- weaker evidence: on a branch, a failure between two passes of the runs before and
  after it, on other commits (the code changed, so it may have been a real break fixed).

flaky_score = min(1, (flaky commits + 0.25 x such flips) / commits on which it failed):
a test that always fails scores 0, one whose every failure passed on a re-run scores 1.
The builds of the flaky commits are the evidence. sort=flaky ranks by the weight of
evidence (flaky commits + 0.25 x flips), then the score. All of it is aggregated in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid
from jadugar.services.projects import get_project

SORTS = {
    # The most evidence first, then the score: a test that failed once and passed on a
    # re-run scores 1, but one flaky on twenty commits is the one to fix first.
    "flaky": "flaky_evidence desc, flaky_score desc, failures desc",
    "slowest": "p50_s desc nulls last",
    "failing": "failures desc, runs desc",
    "slower": "trend desc nulls last",
}
DEFAULT_DAYS = 30
WEAK_WEIGHT = 0.25
EVIDENCE_BUILDS = 10
WORK_MEM = "128MB"

QUERY = """
with b as materialized (
  select id, created_at, coalesce(commit_sha, 'build:' || id) as commit_key,
         coalesce(branch, '') as branch, branch as raw_branch
    from builds
   where project_id = :p and created_at >= :prev and created_at < :until
     and (cast(:branch as text) is null or branch = :branch)),
-- array_agg lets PostgreSQL group by hashing; percentile_cont over the whole set would
-- first sort every row of the period by test (a month of a big suite: a million rows).
grouped as (
  select r.test_id,
         count(*) filter (where r.ts >= :since and r.status <> 'skipped') as runs,
         count(*) filter (where r.ts >= :since and r.status in ('failed', 'error')) as failures,
         count(*) filter (where r.ts >= :since and r.status = 'skipped') as skipped,
         array_agg(r.duration_s) filter (where r.ts >= :since and r.status <> 'skipped'
                                          and r.duration_s is not null) as durations,
         array_agg(r.duration_s) filter (where r.ts < :since and r.status <> 'skipped'
                                          and r.duration_s is not null) as previous,
         max(r.ts) filter (where r.ts >= :since) as last_run_at
    from test_results r join b on b.id = r.build_id
   where r.ts >= :prev and r.ts < :until
   group by r.test_id),
stats as (
  select test_id, runs, failures, skipped, last_run_at,
         (select percentile_cont(0.5) within group (order by d) from unnest(durations) d)
             as p50_s,
         (select percentile_cont(0.95) within group (order by d) from unnest(durations) d)
             as p95_s,
         (select percentile_cont(0.5) within group (order by d) from unnest(previous) d)
             as prev_p50_s
    from grouped where runs + skipped > 0),
-- Flakiness is read from the failed runs (a partial index holds them) and the few runs
-- around each: the cost follows the failures, not the size of the suite.
failures as materialized (
  select r.test_id, r.ts, r.build_id, r.status, r.message, b.commit_key, b.branch,
         b.raw_branch
    from test_results r join b on b.id = r.build_id
   where r.ts >= :since and r.ts < :until and r.status in ('failed', 'error', 'flaky')),
-- Each commit a test failed on: did it pass there too (another build, a retry, a re-run)?
per_commit as materialized (
  select f.test_id, f.commit_key, bool_or(r.status in ('passed', 'flaky')) as passed,
         array_agg(distinct r.build_id) as builds
    from (select distinct test_id, commit_key from failures) f
    join b on b.commit_key = f.commit_key and b.created_at >= :since
    join test_results r on r.test_id = f.test_id and r.build_id = b.id
                       and r.ts = b.created_at
   -- constant bounds too: the planner then prunes the partitions outside the period
   where r.ts >= :since and r.ts < :until
   group by f.test_id, f.commit_key),
strong as (
  select test_id, count(*) filter (where passed) as flaky_commits,
         count(*) as failing_commits
    from per_commit group by test_id),
evidence as (
  select test_id, (array_agg(distinct build_id order by build_id desc))[1:%(evidence)d]
             as builds
    from per_commit, unnest(builds) as build_id where passed group by test_id),
-- A failure between passes of the runs just before and after it on its branch, on other
-- commits (and not on a commit where it also passed: that is counted above).
weak as (
  select f.test_id, count(*) as flips
    from failures f
    join per_commit pc on pc.test_id = f.test_id and pc.commit_key = f.commit_key
                      and not pc.passed
    -- Walk the branch's builds back (and forward) by the builds index, probing the test's
    -- run in each: one partition a probe, and the first build usually ran it.
    cross join lateral (
      select r.status, coalesce(bb.commit_sha, 'build:' || bb.id) as commit_key
        from builds bb join test_results r on r.test_id = f.test_id and r.build_id = bb.id
                                           and r.ts = bb.created_at
       where bb.project_id = :p and bb.branch = f.raw_branch and bb.created_at >= :since
         and bb.created_at <= f.ts and (bb.created_at, bb.id) < (f.ts, f.build_id)
         and r.status <> 'skipped'
       order by bb.created_at desc, bb.id desc limit 1) before
    cross join lateral (
      select r.status, coalesce(bb.commit_sha, 'build:' || bb.id) as commit_key
        from builds bb join test_results r on r.test_id = f.test_id and r.build_id = bb.id
                                           and r.ts = bb.created_at
       where bb.project_id = :p and bb.branch = f.raw_branch and bb.created_at < :until
         and bb.created_at >= f.ts and (bb.created_at, bb.id) > (f.ts, f.build_id)
         and r.status <> 'skipped'
       order by bb.created_at, bb.id limit 1) after
   where f.status in ('failed', 'error') and before.status = 'passed'
     and after.status = 'passed' and before.commit_key <> f.commit_key
     and after.commit_key <> f.commit_key
   group by f.test_id),
last_failure as (
  select distinct on (test_id) test_id, message, build_id from failures
   where status in ('failed', 'error') order by test_id, ts desc, build_id desc),
scored as (
  select t.id as test_id, t.suite, t.name, s.runs, s.failures, s.skipped,
         -- least() skips nulls: a test that never failed must score 0, not 1
         least(1.0, coalesce((coalesce(st.flaky_commits, 0) + %(weak)s * coalesce(w.flips, 0))
                             / nullif(st.failing_commits, 0), 0)) as flaky_score,
         coalesce(st.flaky_commits, 0) + %(weak)s * coalesce(w.flips, 0) as flaky_evidence,
         coalesce(st.flaky_commits, 0) as flaky_commits, coalesce(w.flips, 0) as flaky_flips,
         coalesce(e.builds, '{}') as flaky_builds,
         s.p50_s, s.p95_s, s.prev_p50_s, s.p50_s / nullif(s.prev_p50_s, 0) - 1 as trend,
         s.last_run_at, lf.message as last_failure_message, lf.build_id as last_failure_build,
         count(*) over () as total
    from stats s join tests t on t.id = s.test_id
    left join strong st on st.test_id = s.test_id
    left join weak w on w.test_id = s.test_id
    left join evidence e on e.test_id = s.test_id
    left join last_failure lf on lf.test_id = s.test_id)
select * from scored order by %(order)s, suite, name, test_id
limit :limit offset :offset
"""


@dataclass(frozen=True)
class TestFilter:
    since: datetime
    until: datetime
    branch: str | None = None
    sort: str = "flaky"

    @property
    def previous_since(self) -> datetime:
        return self.since - (self.until - self.since)


def make_filter(since: datetime | None, until: datetime | None, branch: str | None,
                sort: str | None, now: datetime) -> TestFilter:
    until = until or now
    since = since or until - timedelta(days=DEFAULT_DAYS)
    sort = sort or "flaky"
    if sort not in SORTS:
        raise Invalid(f"sort must be one of {', '.join(SORTS)}", field="sort")
    if since >= until:
        raise Invalid("since must be before until", field="since")
    return TestFilter(since, until, branch or None, sort)


def project_tests(conn: Connection, slug: str, flt: TestFilter, limit: int,
                  offset: int = 0) -> dict[str, Any]:
    """One page (limit + 1 rows, so the caller knows whether more follow) of the project's
    tests that ran in [since, until), in the order `sort` asks."""
    project = get_project(conn, slug)
    # A month of a big suite is about a million rows to group by test: sort them in memory
    # (the 4 MB default spills to disk, three times slower). For this query only.
    conn.execute(text(f"set local work_mem = '{WORK_MEM}'"))
    sql = QUERY % {"order": SORTS[flt.sort], "weak": WEAK_WEIGHT, "evidence": EVIDENCE_BUILDS}
    rows = conn.execute(text(sql), {
        "p": project.id, "since": flt.since, "until": flt.until, "prev": flt.previous_since,
        "branch": flt.branch, "limit": limit + 1, "offset": offset}).all()
    total = rows[0].total if rows else 0
    return {"project": slug, "since": flt.since.isoformat(), "until": flt.until.isoformat(),
            "previous_since": flt.previous_since.isoformat(), "branch": flt.branch,
            "sort": flt.sort, "total": total, "items": [_item(r) for r in rows]}


def _item(r: Any) -> dict[str, Any]:
    def rounded(v: Any, digits: int = 6) -> float | None:
        return None if v is None else round(float(v), digits)

    return {"test_id": r.test_id, "suite": r.suite, "name": r.name, "runs": r.runs,
            "failures": r.failures, "skipped": r.skipped,
            "flaky": r.flaky_commits > 0, "flaky_score": rounded(r.flaky_score, 4),
            "flaky_commits": r.flaky_commits, "flaky_flips": r.flaky_flips,
            "flaky_builds": list(r.flaky_builds), "p50_s": rounded(r.p50_s),
            "p95_s": rounded(r.p95_s), "previous_p50_s": rounded(r.prev_p50_s),
            "trend": rounded(r.trend, 4),
            "last_run_at": r.last_run_at.isoformat() if r.last_run_at else None,
            "last_failure_message": r.last_failure_message,
            "last_failure_build": r.last_failure_build}
