"""The four DORA keys on a fixture computed by hand.

Range: ten days from T0; failure window 24 h. All deploys take 10 minutes.

  production deploys          commit (time)          what follows it
  D0  T0-2d 10:00  success    a0 (1 h before)        before the range
  D1  day 0 10:00  success    a1 (08:10)             incident on the linked app 12:10-13:40
  D2  day 1 10:00  success    a2 (its CI build: 06:10)
  D3  day 2 10:00  success    a3 (09:10)             rolled back by R at 12:10
  R   day 2 12:00  success    a2 again: a rollback
  F   day 3 10:00  failed     a4                     restored by D4 at 14:10
  D4  day 3 14:00  success    a4 (09:10)             an alert 2 days later: outside the window
Noise that must not count: staging deploys (one failed, one with an incident after it), a
failed build on a feature branch, an alert on an application not linked to the project, an
info alert right after D2.

  deployment frequency  5 successful production deploys / 10 days = 0.5 a day
  lead time             D1 2 h, D2 4 h, D3 1 h, D4 5 h (R ships no new change) → median 3 h
  change failure rate   D1 (incident), D3 (rolled back), F (failed) of 6 deploys → 0.5
  time to restore       D1 1.5 h, D3 2 h (10:10 → 12:10), F 4 h → median 2 h
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from jadugar.services import delivery

T0 = datetime(2026, 3, 1, tzinfo=UTC)
H = 3600


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return T0 + timedelta(days=day, hours=hour, minutes=minute)


@pytest.fixture
def shop(conn):
    pid = conn.execute(text("insert into projects (slug, name, default_branch) "
                            "values ('shop', 'Shop', 'main') returning id")).scalar_one()
    apps = {slug: conn.execute(text("insert into applications (slug, name) values (:s, :s) "
                                    "returning id"), {"s": slug}).scalar_one()
            for slug in ("shop-web", "elsewhere")}
    conn.execute(text("insert into application_projects values (:a, :p)"),
                 {"a": apps["shop-web"], "p": pid})
    return pid, apps


def build(conn, pid: int, created: datetime, status: str, *, sha: str | None = None,
          commit_at: datetime | None = None, kind: str = "deploy",
          environment: str | None = "production", branch: str = "main",
          number: int | None = None) -> None:
    conn.execute(text("""
        insert into builds (project_id, number, kind, branch, environment, status, commit_sha,
                            commit_at, created_at, started_at, finished_at, source)
        values (:pid, :number, :kind, :branch, :env, :status, :sha, :commit_at, :created,
                :created, :created + interval '10 minutes', 'api')"""),
        {"pid": pid, "number": number, "kind": kind, "branch": branch, "env": environment,
         "status": status, "sha": sha, "commit_at": commit_at, "created": created})


def alert(conn, app_id: int, fired: datetime, resolved: datetime | None,
          severity: str = "critical") -> None:
    conn.execute(text("""
        insert into alerts (application_id, state, severity, title, fired_at, resolved_at)
        values (:a, :state, :sev, 'checkout is down', :fired, :resolved)"""),
        {"a": app_id, "state": "resolved" if resolved else "firing", "sev": severity,
         "fired": fired, "resolved": resolved})


@pytest.fixture
def history(conn, shop):
    pid, apps = shop
    build(conn, pid, at(-2, 10), "success", sha="a0", commit_at=at(-2, 9))
    build(conn, pid, at(0, 10), "success", sha="a1", commit_at=at(0, 8, 10))
    alert(conn, apps["shop-web"], at(0, 12, 10), at(0, 13, 40))
    build(conn, pid, at(1, 6), "success", sha="a2", commit_at=at(1, 6, 10), kind="build",
          environment=None)
    build(conn, pid, at(1, 10), "success", sha="a2")  # commit time from its CI build
    alert(conn, apps["shop-web"], at(1, 10, 30), at(1, 11), severity="info")
    build(conn, pid, at(2, 10), "success", sha="a3", commit_at=at(2, 9, 10))
    build(conn, pid, at(2, 12), "success", sha="a2", number=42)  # the rollback
    build(conn, pid, at(3, 10), "failed", sha="a4")
    build(conn, pid, at(3, 14), "success", sha="a4", commit_at=at(3, 9, 10))
    alert(conn, apps["shop-web"], at(5, 15), at(5, 16))  # two days after D4
    # noise
    build(conn, pid, at(0, 11), "success", sha="a1", environment="staging")
    build(conn, pid, at(3, 11), "failed", sha="a9", environment="staging")
    build(conn, pid, at(6, 9), "success", sha="a9", environment="staging")
    alert(conn, apps["shop-web"], at(6, 10), at(6, 20))  # after a staging deploy only
    build(conn, pid, at(4, 1), "failed", kind="build", environment=None, branch="feature/x")
    alert(conn, apps["elsewhere"], at(3, 14, 30), None)
    return pid


@pytest.fixture
def metrics(conn, history):
    return delivery.for_project(conn, "shop", T0, at(10))


def test_it_counts_successful_production_deploys_per_day(metrics):
    assert metrics["deploys"] == 5
    assert metrics["deploys_per_day"] == 0.5


def test_it_measures_lead_time_from_the_commit_to_the_deploy_that_shipped_it(metrics):
    assert metrics["lead_time_s"] == 3 * H
    assert metrics["lead_time_deploys"] == 4


def test_it_counts_failed_deploys_rollbacks_and_incidents_as_change_failures(metrics):
    assert metrics["change_failure_rate"] == 0.5
    assert (metrics["failures"], metrics["failed_deploys"], metrics["rollbacks"]) == (3, 1, 1)


def test_it_measures_time_to_restore_from_the_failure_to_its_end(metrics):
    assert metrics["time_to_restore_s"] == 2 * H
    assert metrics["open_failures"] == 0


def test_it_lists_what_each_counted_deploy_was_found_with(conn, history):
    rows = delivery.deploy_rows(conn, history, T0, at(10))
    failures = [r["failures"] for r in rows]
    assert failures == [["incident: checkout is down"], [], ["rolled back by #42"], [],
                        ["deploy failed"], []]
    assert [r["lead_time_s"] for r in rows] == [2 * H, 4 * H, 1 * H, None, None, 5 * H]


def test_it_counts_staging_when_asked_for_staging(conn, history):
    staging = delivery.for_project(conn, "shop", T0, at(10), environments=["Staging"])
    assert staging["deploys"] == 2 and staging["failed_deploys"] == 1
    assert staging["environments"] == ["staging"]
