"""Abnormally long builds: each finished build against recent successful ones.

The baseline is the last JADUGAR_DURATION_ANOMALY_WINDOW successful builds of the same
project, kind, branch and pipeline that finished before it; with fewer than MIN_BUILDS of
those, the project's default branch stands in (a new feature branch has no history yet).
threshold = median + k × MAD, where MAD is the median absolute deviation scaled by 1.4826
(so it estimates a standard deviation) and never taken below 2 % of the median or 1 s: a
run of identical durations would otherwise make a build one second slower "abnormal".

The verdict is written once, when the build finishes (build_insights), so lists read it
without recomputing a median per row; a re-run that finishes again is judged again.
Builds that finished without one (before this existed, or inserted by SQL) get it from
`backfill` (`jadugar builds judge`): the same judgement, which looks only at builds that
finished before each one, so a late verdict is the one it would have had.

Stages are judged the same way against the same-named stage of those builds, but when one
build is read (`stage_verdicts`): a CI reports its jobs after, or before, the run itself,
so there is no single moment at which a build's stages are known to be complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from jadugar import config
from jadugar.errors import NotFound

MIN_BUILDS = 10
MAD_SCALE = 1.4826
FLOOR_SHARE = 0.02
FLOOR_S = 1.0

# coalesce(pipeline, '') and the partial condition match the index builds_duration_baseline.
BASELINE = text("""
with recent as (
    select duration_s from builds
     where project_id = :pid and kind = :kind and branch = :branch
       and coalesce(pipeline, '') = coalesce(cast(:pipeline as text), '')
       and status = 'success' and duration_s is not null
       and finished_at < :finished_at and id <> :id
     order by finished_at desc limit :window
), m as (
    select count(*) as n, percentile_cont(0.5) within group (order by duration_s) as med
      from recent
)
select m.n, m.med,
       (select percentile_cont(0.5) within group (order by abs(r.duration_s - m.med))
          from recent r) as mad
  from m
""")

STORE = text("""
insert into build_insights (build_id, samples, baseline_s, threshold_s, anomalous)
values (:id, :samples, :baseline_s, :threshold_s, :anomalous)
on conflict (build_id) do update set samples = excluded.samples,
    baseline_s = excluded.baseline_s, threshold_s = excluded.threshold_s,
    anomalous = excluded.anomalous, evaluated_at = now()
""")

# Each finished stage of build :id against the same-named successful stage of the lane's
# recent successful builds (the builds found through builds_duration_baseline).
STAGES = text("""
select s.id, x.n, x.med, x.mad, s.duration_s
  from build_stages s
 cross join lateral (
    with recent as (
        select st.duration_s from builds b
          join build_stages st on st.build_id = b.id and st.name = s.name
         where b.project_id = :pid and b.kind = :kind and b.branch = :branch
           and coalesce(b.pipeline, '') = coalesce(cast(:pipeline as text), '')
           and b.status = 'success' and b.duration_s is not null
           and b.finished_at < :finished_at and b.id <> :id
           and st.status = 'success' and st.duration_s is not null
         order by b.finished_at desc limit :window
    ), m as (
        select count(*) as n, percentile_cont(0.5) within group (order by duration_s) as med
          from recent
    )
    select m.n, m.med,
           (select percentile_cont(0.5) within group (order by abs(r.duration_s - m.med))
              from recent r) as mad
      from m) x
 where s.build_id = :id and s.duration_s is not null
""")

# Finished builds without a verdict, oldest finished first, after the keyset
# (:after_at, :after_id); duration_s is not null only when finished_at is not.
UNJUDGED = text("""
select b.* from builds b
 where b.status in ('success', 'failed') and b.duration_s is not null
   and (cast(:pid as bigint) is null or b.project_id = :pid)
   and (b.finished_at, b.id) > (coalesce(cast(:after_at as timestamptz), '-infinity'),
                                coalesce(cast(:after_id as bigint), 0))
   and not exists (select 1 from build_insights i where i.build_id = b.id)
 order by b.finished_at, b.id
 limit :n
""")

PROJECT_BY_SLUG = text("select * from projects where slug = :v")
PROJECT_BY_ID = text("select * from projects where id = :v")

BACKFILL_CHUNK = 1000

# The API's `duration_anomaly` for a row joined as `i` (null until there was a baseline).
AS_JSON = """case when i.baseline_s is not null then jsonb_build_object(
    'anomalous', i.anomalous, 'baseline_s', round(i.baseline_s::numeric, 3),
    'threshold_s', round(i.threshold_s::numeric, 3), 'samples', i.samples) end"""


@dataclass(frozen=True)
class Verdict:
    samples: int
    baseline_s: float | None = None
    threshold_s: float | None = None
    anomalous: bool = False


def threshold(median: float, mad: float, k: float) -> float:
    spread = max(MAD_SCALE * mad, FLOOR_SHARE * median, FLOOR_S)
    return median + k * spread


def judge(conn: Connection, project: Any, build: Any) -> Verdict | None:
    """Judge a finished build and store the verdict; None when it has no duration."""
    if build.duration_s is None or build.status not in ("success", "failed"):
        return None
    cfg = config.get()
    row = _baseline(conn, build, build.branch, cfg.duration_anomaly_window)
    if (row is None or row.n < MIN_BUILDS) and build.branch != project.default_branch:
        row = _baseline(conn, build, project.default_branch, cfg.duration_anomaly_window)
    if row is None or row.n < MIN_BUILDS:
        verdict = Verdict(samples=row.n if row else 0)
    else:
        limit = threshold(row.med, row.mad, cfg.duration_anomaly_k)
        verdict = Verdict(row.n, row.med, limit, build.duration_s > limit)
    conn.execute(STORE, {"id": build.id, **verdict.__dict__})
    return verdict


def backfill(conn: Connection, *, project: str | None = None, limit: int | None = None,
             chunk: int = BACKFILL_CHUNK) -> int:
    """Judge the finished builds that have no verdict yet (of project `project`, a slug, if
    given; at most `limit` of them), oldest finished first, `chunk` rows read at a time.
    Returns how many were judged. Only verdicts are stored: no alert rule is run for builds
    long finished. Judged builds are never picked again, so a caller may commit after each
    call and repeat it."""
    projects: dict[int, Any] = {}
    pid = None
    if project is not None:
        row = conn.execute(PROJECT_BY_SLUG, {"v": project}).first()
        if row is None:
            raise NotFound(f"no project {project!r}", field="project")
        projects[pid := row.id] = row
    done = 0
    after: tuple[Any, Any] = (None, None)
    while limit is None or done < limit:
        n = chunk if limit is None else min(chunk, limit - done)
        rows = conn.execute(UNJUDGED, {"pid": pid, "after_at": after[0], "after_id": after[1],
                                       "n": n}).all()
        for build in rows:
            if build.project_id not in projects:
                projects[build.project_id] = conn.execute(PROJECT_BY_ID,
                                                        {"v": build.project_id}).one()
            judge(conn, projects[build.project_id], build)
        done += len(rows)
        if not rows or len(rows) < n:
            break
        after = (rows[-1].finished_at, rows[-1].id)
    return done


def stage_verdicts(conn: Connection, project: Any, build: Any) -> dict[int, dict[str, Any]]:
    """Stage id → its duration_anomaly, for the finished stages that have a baseline."""
    if build.finished_at is None:
        return {}
    cfg = config.get()
    found: dict[int, dict[str, Any]] = {}
    for branch in dict.fromkeys((build.branch, project.default_branch)):
        if branch is None:
            continue
        for row in conn.execute(STAGES, _lane(build, branch, cfg.duration_anomaly_window)):
            if row.id in found or row.n < MIN_BUILDS:
                continue
            limit = threshold(row.med, row.mad, cfg.duration_anomaly_k)
            found[row.id] = {"anomalous": row.duration_s > limit,
                             "baseline_s": round(row.med, 3),
                             "threshold_s": round(limit, 3), "samples": row.n}
    return found


def _lane(build: Any, branch: str, window: int) -> dict[str, Any]:
    return {"pid": build.project_id, "kind": build.kind, "branch": branch,
            "pipeline": build.pipeline, "finished_at": build.finished_at, "id": build.id,
            "window": window}


def _baseline(conn: Connection, build: Any, branch: str | None, window: int) -> Any:
    if branch is None:
        return None
    return conn.execute(BASELINE, _lane(build, branch, window)).first()
