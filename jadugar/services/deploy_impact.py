"""Deploy impact: did a production deploy make the applications linked to its project worse?

For a successful production deploy (JADUGAR_PRODUCTION_ENVIRONMENTS) of a project linked to
applications, the results of those applications' checks in the hour before the deploy
finished are compared with the hour after. Only checks with results on both sides count,
so a check added or paused meanwhile cannot fake a change. Two signals:

- error rate (share of results that were down): a change of at least 5 points that a
  two-proportion z-test puts at |z| ≥ 3, so a single blip among few results is not news;
- p95 response time: at least 1.25× (or at most 0.8×) the hour before, and 25 ms apart,
  so a fast service's 4 → 6 ms is not news either.

Each side needs MIN_RESULTS results, else the verdict is `insufficient_data`. Verdicts:
worse (either signal got worse), better, unchanged, insufficient_data, pending (the hour
after is not over). The collector stores the verdict once the hour is over (`settle`) and
then judges `deploy_regression` rules; until then a read measures live.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from jadugar.services import build_rules, delivery

WINDOW = timedelta(hours=1)
# Deploys older than this when the collector first sees them are left unmeasured: a first
# start must not alert on last month's deploys.
SETTLE_WITHIN = timedelta(hours=6)
MIN_RESULTS = 20
ERROR_POINTS = 0.05
ERROR_Z = 3.0
P95_RATIO = 1.25
P95_MIN_MS = 25.0

LINKED = text("""
select a.slug from applications a join application_projects ap on ap.application_id = a.id
 where ap.project_id = :pid order by a.slug
""")

# The hour on each side of `at`, over the checks that have results on both sides.
MEASURE = text("""
with h as (
    select h.check_id, h.ts >= :at as after, h.status, h.response_ms
      from history h
     where h.check_id in (select hc.id from health_checks hc
                            join application_projects ap on ap.application_id = hc.application_id
                           where ap.project_id = :pid)
       and h.ts >= :at - :w and h.ts < :at + :w
), same as (
    select check_id from h group by check_id having bool_or(after) and bool_or(not after)
)
select after, count(*) as n, count(*) filter (where status = 'down') as errors,
       percentile_cont(0.95) within group (order by response_ms) as p95
  from h where check_id in (select check_id from same) group by after
""")

DUE = text("""
select b.* from builds b
 where b.kind = 'deploy' and b.status = 'success' and lower(b.environment) = any(:envs)
   and b.finished_at >= :now - :within and b.finished_at < :now - :w
   and exists (select 1 from application_projects ap where ap.project_id = b.project_id)
   and not exists (select 1 from build_insights i
                    where i.build_id = b.id and i.impact_at is not null)
 order by b.finished_at limit 100
""")

STORE = text("""
insert into build_insights (build_id, samples, impact, impact_at)
values (:id, 0, :impact, now())
on conflict (build_id) do update set impact = excluded.impact, impact_at = now()
""").bindparams(bindparam("impact", type_=JSONB))


def applies(build: Any) -> bool:
    return (build.kind == "deploy" and build.status == "success"
            and build.finished_at is not None
            and (build.environment or "").lower() in delivery.production_environments())


def measure(conn: Connection, build: Any, now: datetime) -> dict[str, Any] | None:
    """The deploy's impact now; None when it is not a production deploy of a linked project."""
    if not applies(build):
        return None
    apps = list(conn.scalars(LINKED, {"pid": build.project_id}))
    if not apps:
        return None
    out: dict[str, Any] = {"applications": apps, "window_s": WINDOW.total_seconds()}
    if now < build.finished_at + WINDOW:
        return {**out, "verdict": "pending", "before": None, "after": None, "changes": []}
    rows = {r.after: r for r in conn.execute(MEASURE, {
        "pid": build.project_id, "at": build.finished_at, "w": WINDOW})}
    before, after = _side(rows.get(False)), _side(rows.get(True))
    return {**out, **compare(before, after), "before": before, "after": after}


def _side(row: Any) -> dict[str, Any]:
    if row is None:
        return {"results": 0, "error_rate": None, "p95_ms": None}
    return {"results": row.n, "error_rate": round(row.errors / row.n, 4),
            "p95_ms": None if row.p95 is None else round(float(row.p95), 1),
            "errors": row.errors}


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The verdict and the significant changes, in words (pure: tested as a table)."""
    if min(before["results"], after["results"]) < MIN_RESULTS:
        return {"verdict": "insufficient_data", "changes": []}
    worse, better = [], []
    e1, e2 = before["error_rate"], after["error_rate"]
    if abs(e2 - e1) >= ERROR_POINTS and abs(_z(before, after)) >= ERROR_Z:
        (worse if e2 > e1 else better).append(
            f"error rate {100 * e1:.1f}% → {100 * e2:.1f}%")
    p1, p2 = before["p95_ms"], after["p95_ms"]
    if p1 is not None and p2 is not None and abs(p2 - p1) >= P95_MIN_MS:
        if p2 >= p1 * P95_RATIO:
            worse.append(f"p95 response time {p1:.0f} → {p2:.0f} ms")
        elif p2 <= p1 / P95_RATIO:
            better.append(f"p95 response time {p1:.0f} → {p2:.0f} ms")
    verdict = "worse" if worse else "better" if better else "unchanged"
    return {"verdict": verdict, "changes": worse + better}


def _z(before: dict[str, Any], after: dict[str, Any]) -> float:
    n1, n2 = before["results"], after["results"]
    pooled = (before["errors"] + after["errors"]) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return 0.0
    return (after["error_rate"] - before["error_rate"]) / spread


def stored_or_live(conn: Connection, build: Any, stored: Any, now: datetime
                   ) -> dict[str, Any] | None:
    """For reading one build: the collector's verdict once stored, else measured now."""
    return stored if stored is not None else measure(conn, build, now)


def settle(conn: Connection, now: datetime) -> int:
    """Measure and store the production deploys whose hour after is over, then judge the
    deploy_regression rules of their projects. Returns how many were settled."""
    from jadugar.services.builds import project_of

    due = conn.execute(DUE, {"envs": delivery.production_environments(), "now": now,
                             "within": SETTLE_WITHIN, "w": WINDOW}).all()
    for build in due:
        impact = measure(conn, build, now)
        if impact is None:
            continue
        conn.execute(STORE, {"id": build.id, "impact": impact})
        build_rules.on_impact(conn, project_of(conn, build.id), build, impact)
    return len(due)
