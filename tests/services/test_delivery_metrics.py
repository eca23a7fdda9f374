"""Delivery metrics computed in SQL from hand-made builds whose answers are known."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from jadugar.services import delivery

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def project(conn):
    conn.execute(text("insert into projects (slug, name) values ('web', 'Web')"))
    return "web"


def add(conn, *, hours: float, status: str, minutes: float = 10, kind: str = "build",
        branch: str = "main", environment: str | None = None,
        commit_hours_before: float | None = None) -> None:
    created = T0 + timedelta(hours=hours)
    commit_at = created - timedelta(hours=commit_hours_before) if commit_hours_before else None
    conn.execute(text("""
        insert into builds (project_id, kind, branch, environment, status, created_at,
                            started_at, finished_at, commit_at)
        select id, :kind, :branch, :env, :status, :created, :created,
               :created + make_interval(mins => :minutes), :commit_at
          from projects where slug = 'web'"""),
        {"kind": kind, "branch": branch, "env": environment, "status": status,
         "created": created, "minutes": minutes, "commit_at": commit_at})


def window(conn, days: int = 10):
    return delivery.for_project(conn, "web", T0, T0 + timedelta(days=days))


def test_it_counts_deploys_per_day_and_the_change_failure_rate(conn, project):
    for h in (1, 25, 49, 73):
        add(conn, hours=h, status="success", kind="deploy", environment="production")
    add(conn, hours=80, status="failed", kind="deploy", environment="production")
    add(conn, hours=2, status="success")  # a plain build is not a deploy
    out = window(conn)
    assert out["basis"] == "deploys"
    assert out["deploys"] == 4
    assert out["deploys_per_day"] == pytest.approx(0.4)
    assert out["change_failure_rate"] == pytest.approx(0.2)


def test_it_falls_back_to_default_branch_builds_without_deploys(conn, project):
    add(conn, hours=1, status="success")
    add(conn, hours=2, status="success", branch="feature/x")
    out = window(conn)
    assert (out["basis"], out["deploys"]) == ("default-branch builds", 1)


def test_it_measures_lead_time_from_the_commit(conn, project):
    add(conn, hours=10, status="success", kind="deploy", minutes=30, commit_hours_before=2)
    add(conn, hours=20, status="success", kind="deploy", minutes=30, commit_hours_before=4)
    # median of 2.5 h and 4.5 h
    assert window(conn)["lead_time_s"] == pytest.approx(3.5 * 3600)


def test_it_measures_time_to_restore_from_the_first_failure_of_a_streak(conn, project):
    add(conn, hours=1, status="failed", minutes=0)
    add(conn, hours=2, status="failed", minutes=0)  # same streak: not a new incident
    add(conn, hours=4, status="success", minutes=0)  # restored 3 h after the first failure
    add(conn, hours=10, status="failed", minutes=0, branch="dev")
    add(conn, hours=11, status="success", minutes=0, branch="main")  # another lane
    add(conn, hours=12, status="success", minutes=0, branch="dev")  # restored after 2 h
    out = window(conn)
    assert out["incidents"] == 2
    assert out["time_to_restore_s"] == pytest.approx(2.5 * 3600)


def test_it_compares_with_the_range_before(conn, project):
    add(conn, hours=-24, status="success", kind="deploy")
    add(conn, hours=-30, status="success", kind="deploy")
    add(conn, hours=5, status="success", kind="deploy")
    out = window(conn, days=2)
    assert out["deploys"] == 1 and out["previous"]["deploys"] == 2


def test_it_answers_nothing_rather_than_zero_without_data(conn, project):
    out = window(conn)
    assert out["deploys"] == 0
    assert out["lead_time_s"] is None and out["change_failure_rate"] is None
    assert out["time_to_restore_s"] is None
