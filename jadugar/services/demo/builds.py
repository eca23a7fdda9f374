"""Demo build tracking: five projects, four months of builds, milestones with history."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, text

from jadugar import db

DAYS = 120
PROJECTS = [
    # slug, name, repository, median build minutes, builds per weekday, failure rate
    ("web-frontend", "Web frontend", "acme/web-frontend", 6.0, 22, 0.10),
    ("payments-api", "Payments API", "acme/payments-api", 11.0, 14, 0.07),
    ("mobile-app", "Mobile app", "acme/mobile-app", 18.0, 9, 0.16),
    ("data-pipeline", "Data pipeline", "acme/data-pipeline", 25.0, 6, 0.12),
    ("infra", "Infrastructure", "acme/infra", 4.0, 5, 0.05),
]
BRANCHES = ["main", "main", "main", "develop", "develop", "release/2026.11",
            "feature/checkout-v2", "feature/search-facets", "fix/login-timeout",
            "feature/dark-mode"]
STAGES = [("checkout", 0.04), ("build", 0.35), ("test", 0.40), ("lint", 0.08),
          ("package", 0.13)]


def _final_status(rng: random.Random, fail_rate: float, branch: str) -> str:
    r = rng.random()
    flaky = 1.8 if branch.startswith("feature/") else 1.0
    if r < fail_rate * flaky:
        return "failed"
    if r < fail_rate * flaky + 0.04:
        return "cancelled"
    if r < fail_rate * flaky + 0.06:
        return "skipped"
    return "success"


def _projects(conn: Connection) -> dict[str, int]:
    ids = {}
    for slug, name, repo, *_ in PROJECTS:
        ids[slug] = conn.execute(text(
            "insert into projects (slug, name, description, repository, repository_url) "
            "values (:slug, :name, :desc, :repo, :url) returning id"),
            {"slug": slug, "name": name, "desc": f"{name} (demo data)", "repo": repo,
             "url": f"https://github.com/{repo}"}).scalar_one()
    return ids


def load(conn: Connection, rng: random.Random, now: datetime) -> dict[str, int]:
    ids = _projects(conn)
    build_rows = []
    for slug, _name, repo, median_min, per_day, fail_rate in PROJECTS:
        pid, number = ids[slug], 0
        shipped: list[tuple[str, datetime]] = []  # production deploys so far: (sha, commit)
        for day in range(DAYS, -1, -1):
            start_of_day = (now - timedelta(days=day)).replace(hour=7, minute=0, second=0,
                                                               microsecond=0)
            weekend = start_of_day.weekday() >= 5
            count = max(0, int(rng.gauss(per_day * (0.25 if weekend else 1), per_day * 0.2)))
            # Builds got slower over the months, then a fix landed three weeks ago.
            trend = 1 + 0.4 * (DAYS - day) / DAYS - (0.3 if day < 21 else 0)
            for _ in range(count):
                number += 1
                created = start_of_day + timedelta(minutes=rng.uniform(0, 12 * 60))
                if created > now - timedelta(minutes=2):
                    continue
                branch = rng.choice(BRANCHES)
                minutes = median_min * trend * math.exp(rng.gauss(0, 0.35))
                status = _final_status(rng, fail_rate, branch)
                started = created + timedelta(seconds=rng.uniform(5, 90))
                finished = started + timedelta(minutes=minutes * (0.4 if status != "success"
                                                                  else 1))
                if finished > now:
                    status, finished = "running", None
                kind, env = "build", None
                # Main builds deploy; a failed one is a failed deploy (DORA counts it).
                if branch == "main" and status in ("success", "failed") and rng.random() < 0.35:
                    kind, env = "deploy", rng.choice(["production", "staging", "staging"])
                sha = f"{rng.getrandbits(160):040x}"
                commit_at = created - timedelta(minutes=rng.uniform(1, 240))
                progress = None
                if status == "running":
                    progress = min(95, int((now - started).total_seconds() / 60 / minutes * 100))
                build_rows.append((pid, f"demo-{slug}-{number}", number, branch, sha, commit_at,
                                   "ci", rng.choice(["push", "push", "pull_request",
                                                     "schedule"]),
                                   kind, env, status, progress, "api",
                                   f"https://github.com/{repo}/actions/runs/{number}",
                                   created, started, finished, finished or started))
                if env == "production" and status == "success" and finished:
                    number += 1
                    rollback = _rollback(rng, pid, slug, repo, number, shipped, finished, now)
                    build_rows.extend(rollback)
                    shipped.append((sha, commit_at))
    db.copy_rows(conn, "builds", [
        "project_id", "external_id", "number", "branch", "commit_sha", "commit_at", "pipeline",
        "trigger", "kind", "environment", "status", "progress", "source", "url", "created_at",
        "started_at", "finished_at", "updated_at"], build_rows)
    _stages_and_updates(conn)
    _running_now(conn, ids, now)
    _milestones(conn, rng, ids, now)
    return ids


ROLLBACK_RATE = 0.06


def _rollback(rng: random.Random, pid: int, slug: str, repo: str, number: int,
              shipped: list[tuple[str, datetime]], deployed: datetime,
              now: datetime) -> list[tuple]:
    """Now and then a production deploy is rolled back within the hour: the previous
    production commit is deployed again, with trigger 'rollback'."""
    if not shipped or rng.random() >= ROLLBACK_RATE:
        return []
    sha, commit_at = shipped[-1]
    started = deployed + timedelta(minutes=rng.uniform(15, 60))
    finished = started + timedelta(minutes=rng.uniform(2, 6))
    if finished > now:
        return []
    return [(pid, f"demo-{slug}-{number}", number, "main", sha, commit_at, "deploy",
             "rollback", "deploy", "production", "success", 100, "api",
             f"https://github.com/{repo}/actions/runs/{number}", started, started, finished,
             finished)]


# A failed build stops after `test` (position 2) and a cancelled one after `build`: the later
# stages never ran. Times are stretched so the last stage that ran ends with the build.
STAGE_INSERT = """
with b as (
    select *, case when status = 'skipped' or (status = 'failed' and :position > 2)
                     or (status = 'cancelled' and :position > 1)
                     or (finished_at is null and :offset >= 0.5) then 'none' end as ran,
              case status when 'failed' then 0.79 when 'cancelled' then 0.39 else 1 end as scale
      from builds where source = 'api' and external_id like 'demo-%'
)
insert into build_stages (build_id, external_id, name, status, position, started_at,
                          finished_at)
select id, :name, :name,
       case when status = 'skipped' then 'skipped'
            when status = 'failed' and :position > 2 then 'skipped'
            when status = 'failed' and :position = 2 then 'failed'
            when status = 'cancelled' and :position > 1 then 'cancelled'
            when finished_at is null and :offset >= 0.5 then 'queued'
            when finished_at is null then 'running'
            else 'success' end,
       :position,
       case when ran = 'none' then null
            else started_at + (coalesce(finished_at, now()) - started_at) * :offset / scale end,
       case when ran = 'none' or finished_at is null then null
            else started_at + (finished_at - started_at) * (:offset + :share) / scale end
  from b
"""


def _stages_and_updates(conn: Connection) -> None:
    """Stages and status history derived in SQL from the builds just written."""
    for position, (name, share) in enumerate(STAGES):
        offset = sum(s for _, s in STAGES[:position])
        conn.execute(text(STAGE_INSERT), {"name": name, "offset": offset, "share": share,
                                          "position": position})
    conn.execute(text("""
        insert into status_updates (project_id, build_id, ts, source, old_status, new_status,
                                    message)
        select project_id, id, started_at, 'api', 'queued', 'running', null
          from builds where external_id like 'demo-%'
        union all
        select project_id, id, finished_at, 'api', 'running', status,
               case status when 'failed' then 'Tests failed' end
          from builds where external_id like 'demo-%' and finished_at is not null
    """))


def _running_now(conn: Connection, ids: dict[str, int], now: datetime) -> None:
    """A few builds in flight, so the live views have something to move."""
    for slug, progress in (("web-frontend", 35), ("payments-api", 70), ("mobile-app", None)):
        status = "running" if progress is not None else "queued"
        conn.execute(text("""
            insert into builds (project_id, external_id, number, branch, status, progress,
                                kind, source, started_at, created_at)
            values (:pid, :ext,
                    (select coalesce(max(number), 0) + 1 from builds where project_id = :pid),
                    'main', :status, :progress, 'build', 'api', :started, :created)
        """), {"pid": ids[slug], "ext": f"demo-{slug}-live", "status": status,
               "progress": progress, "created": now - timedelta(minutes=4),
               "started": now - timedelta(minutes=3) if progress is not None else None})


def _milestones(conn: Connection, rng: random.Random, ids: dict[str, int],
                now: datetime) -> None:
    plans = [("v2.0 checkout redesign", 60, 45, "active"),
             ("Accessibility audit", 30, 80, "active"),
             ("Q3 hardening", -20, 100, "done"), ("Postgres 17 upgrade", 90, 10, "planned")]
    for slug, pid in ids.items():
        for title, due_in, final, status in rng.sample(plans, 3):
            created = now - timedelta(days=rng.randint(40, 100))
            due: date = (now + timedelta(days=due_in)).date()
            mid = conn.execute(text("""
                insert into milestones (project_id, title, description, due_on, status,
                                        progress, created_at, updated_at)
                values (:pid, :title, :desc, :due, :status, :progress, :created, :now)
                returning id"""), {"pid": pid, "title": title, "status": status,
                                   "desc": f"{title} for {slug}", "due": due,
                                   "progress": final, "created": created, "now": now}).scalar_one()
            days = (now - created).days
            snapshots, value = [], 0
            for i in range(0, days, 4):
                value = min(final, value + rng.randint(0, max(1, final // 8)))
                snapshots.append((mid, created + timedelta(days=i), value))
            snapshots.append((mid, now - timedelta(hours=1), final))
            db.copy_rows(conn, "progress", ["milestone_id", "ts", "value"], snapshots)
            conn.execute(text("""
                insert into status_updates (project_id, milestone_id, ts, source, message,
                                            author)
                values (:pid, :mid, :ts, 'ui', :msg, 'demo')"""),
                {"pid": pid, "mid": mid, "ts": now - timedelta(days=rng.randint(1, 10)),
                 "msg": rng.choice(["Scope agreed with design.", "Blocked on API review.",
                                    "Back on track after the release freeze.",
                                    "Half of the tickets are in review."])})
