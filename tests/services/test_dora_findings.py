"""Issue 12, finding 3: each way the DORA numbers were wrong, as a small history."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from jadugar import config
from jadugar.services import delivery

T0 = datetime(2026, 3, 1, tzinfo=UTC)
H = 3600


@pytest.fixture
def web(conn):
    pid = conn.execute(text("insert into projects (slug, name, default_branch) "
                            "values ('web', 'Web', 'main') returning id")).scalar_one()
    app = conn.execute(text("insert into applications (slug, name) values ('web-app', 'Web') "
                            "returning id")).scalar_one()
    conn.execute(text("insert into application_projects values (:a, :p)"), {"a": app, "p": pid})
    return app


def add(conn, *, hours: float, status: str = "success", kind: str = "deploy",
        environment: str | None = "production", branch: str = "main", minutes: float = 10,
        sha: str | None = None, commit_hours_before: float | None = None,
        trigger: str | None = None) -> None:
    created = T0 + timedelta(hours=hours)
    commit_at = created - timedelta(hours=commit_hours_before) if commit_hours_before else None
    conn.execute(text("""
        insert into builds (project_id, kind, branch, environment, status, created_at,
                            started_at, finished_at, commit_sha, commit_at, trigger, source)
        select id, :kind, :branch, :env, :status, :created, :created,
               :created + make_interval(mins => :minutes), :sha, :commit_at, :trigger, 'api'
          from projects where slug = 'web'"""),
        {"kind": kind, "branch": branch, "env": environment, "status": status,
         "created": created, "minutes": minutes, "sha": sha, "commit_at": commit_at,
         "trigger": trigger})


def alert(conn, app: int, *, hours: float, lasting_h: float | None, via_check: bool = False,
          severity: str = "critical") -> None:
    check = None
    if via_check:
        check = conn.execute(text("""
            insert into health_checks (application_id, name, type, target, interval_s,
                                       timeout_s, retries, enabled, expect, options, grace_s,
                                       locations_required, status)
            values (:a, 'home', 'http', 'http://x', 60, 5, 0, true, '{}', '{}', 0, 1, 'up')
            returning id"""), {"a": app}).scalar_one()
    fired = T0 + timedelta(hours=hours)
    conn.execute(text("""
        insert into alerts (check_id, application_id, severity, title, fired_at, resolved_at,
                            state)
        values (:c, :a, :sev, 'down', :fired, :resolved, :state)"""),
        {"c": check, "a": None if via_check else app, "sev": severity, "fired": fired,
         "resolved": fired + timedelta(hours=lasting_h) if lasting_h is not None else None,
         "state": "firing" if lasting_h is None else "resolved"})


def window(conn, days: int = 10, **kw):
    return delivery.for_project(conn, "web", T0, T0 + timedelta(days=days), **kw)


def test_it_counts_production_deploys_and_not_staging_ones(conn, web):
    add(conn, hours=1)
    add(conn, hours=2, environment="staging")
    add(conn, hours=3, environment="Prod")
    add(conn, hours=4, status="failed", environment="staging")
    out = window(conn)
    assert (out["deploys"], out["failed_deploys"]) == (2, 0)
    assert out["change_failure_rate"] == 0


def test_it_reads_the_production_names_from_the_setting(conn, web):
    add(conn, hours=1, environment="live")
    add(conn, hours=2)
    previous = config.get()
    config.override(previous.replace(production_environments="live"))
    try:
        assert window(conn)["deploys"] == 1
    finally:
        # Not None: that reloads from the environment, and every later test in this
        # process would lose the session's settings (its secret key among them).
        config.override(previous)


def test_it_takes_no_restore_time_from_a_failed_feature_branch_build(conn, web):
    add(conn, hours=1)
    add(conn, hours=2, status="failed", kind="build", environment=None, branch="feature/x")
    add(conn, hours=7, kind="build", environment=None, branch="feature/x")
    out = window(conn)
    assert out["change_failure_rate"] == 0
    assert out["time_to_restore_s"] is None and out["failures"] == 0


def test_it_never_reports_more_failures_than_the_failure_rate_counts(conn, web):
    for h in (1, 30, 60, 90):
        add(conn, hours=h)
    add(conn, hours=5, status="failed", kind="build", environment=None)
    add(conn, hours=6, kind="build", environment=None)
    alert(conn, web, hours=31, lasting_h=0.5)
    out = window(conn)
    assert out["failures"] == 1
    assert out["change_failure_rate"] == out["failures"] / 4


def test_it_measures_lead_time_from_the_commit_not_from_the_deploys_start(conn, web):
    add(conn, hours=10, minutes=2)  # no commit time anywhere: not measured, not 120 s
    add(conn, hours=20, minutes=30, sha="c1", commit_hours_before=4)
    out = window(conn)
    assert out["lead_time_s"] == 4.5 * H
    assert out["lead_time_deploys"] == 1


def test_it_counts_an_incident_on_a_linked_application_as_the_deploys_failure(conn, web):
    add(conn, hours=1)
    alert(conn, web, hours=3, lasting_h=0.75, via_check=True)
    out = window(conn)
    assert out["change_failure_rate"] == 1
    assert out["time_to_restore_s"] == 0.75 * H


def test_it_leaves_incidents_after_the_window_or_of_info_severity_out(conn, web):
    add(conn, hours=1)
    alert(conn, web, hours=1.5, lasting_h=1, severity="info")
    alert(conn, web, hours=26, lasting_h=1)
    assert window(conn)["change_failure_rate"] == 0


def test_it_ends_the_window_at_the_next_deploy(conn, web):
    add(conn, hours=1)
    add(conn, hours=3)
    alert(conn, web, hours=4, lasting_h=1)
    rows = delivery.deploy_rows(conn, conn.scalar(text("select id from projects")),
                                T0, T0 + timedelta(days=1))
    assert [r["failures"] for r in rows] == [[], ["incident: down"]]


def test_it_counts_an_incident_still_firing_as_open(conn, web):
    add(conn, hours=1)
    alert(conn, web, hours=2, lasting_h=None)
    out = window(conn)
    assert (out["failures"], out["open_failures"], out["time_to_restore_s"]) == (1, 1, None)


def test_it_recognises_a_rollback_by_its_trigger(conn, web):
    add(conn, hours=1, sha="a1")
    add(conn, hours=2, sha="a2")
    add(conn, hours=3, sha="a3", trigger="rollback")
    out = window(conn)
    assert (out["rollbacks"], out["failures"]) == (1, 1)
    assert out["time_to_restore_s"] == 1 * H


def test_it_does_not_take_a_redeploy_of_the_same_commit_for_a_rollback(conn, web):
    add(conn, hours=1, sha="a1", commit_hours_before=1)
    add(conn, hours=2, sha="a1")
    out = window(conn)
    assert (out["rollbacks"], out["failures"]) == (0, 0)
    assert out["lead_time_deploys"] == 1  # the redeploy ships no change


def test_it_compares_with_the_range_before(conn, web):
    add(conn, hours=-24)
    add(conn, hours=-30)
    add(conn, hours=5)
    out = window(conn, days=2)
    assert out["deploys"] == 1 and out["previous"]["deploys"] == 2


def test_it_answers_nothing_rather_than_zero_without_deploys(conn, web):
    add(conn, hours=1, kind="build", environment=None)
    out = window(conn)
    assert out["deploys"] == 0
    assert out["lead_time_s"] is None and out["change_failure_rate"] is None
    assert out["time_to_restore_s"] is None
