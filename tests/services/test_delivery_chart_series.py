"""The SQL behind the build pages' charts, on the demo data: small results, right shapes."""

from datetime import timedelta

import pytest

from jadugar.services import build_series, demo
from jadugar.services.build_reads import BuildFilter
from jadugar.services.projects import get_project
from jadugar.timeutil import utcnow


@pytest.fixture
def demo_project(conn):
    demo.load(conn, database_url=None)
    return get_project(conn, "web-frontend")


def test_it_builds_every_chart_of_a_project_page_under_the_point_budget(conn, demo_project):
    now = utcnow()
    flt = BuildFilter(since=now - timedelta(days=90), until=now)
    charts = build_series.project_charts(conn, demo_project.id, flt, "week")
    assert 0 < len(charts["durations"]) <= build_series.MAX_POINTS
    assert set(charts["durations"]["status"]) <= {"success", "failed", "cancelled", "skipped"}
    trend = charts["trend"]
    assert (trend["p95"] >= trend["p50"]).all() and len(trend) <= 91
    assert charts["outcomes"]["builds"].sum() == len(conn.exec_driver_sql(
        "select 1 from builds where project_id = %s and created_at >= %s",
        (demo_project.id, flt.since)).all())
    assert charts["success"]["success_rate"].between(0, 1).all()
    assert list(charts["stages"]["stage"])[:2] == ["checkout", "build"]
    branches = charts["branches"]
    assert (branches["failure_rate"] <= 1).all() and (branches["longest_streak"] >= 0).all()


def test_it_thins_duration_points_evenly_above_the_limit(conn, demo_project):
    now = utcnow()
    flt = BuildFilter(since=now - timedelta(days=120), until=now)
    points = build_series.duration_points(conn, demo_project.id, flt, limit=100)
    assert 50 <= len(points) <= 100
    assert points["created_at"].is_monotonic_increasing


def test_it_summarises_every_project_for_the_overview(conn, demo_project):
    out = build_series.overview(conn)
    assert len(out["projects"]) == 5
    assert out["projects"]["p95"].ge(out["projects"]["p50"]).all()
    assert {"running", "queued"} >= set(out["running"]["status"])
    assert out["recent"].groupby("project_id").size().max() <= 30


def test_it_answers_empty_charts_for_a_range_without_builds(conn, demo_project):
    later = utcnow() + timedelta(days=1)
    flt = BuildFilter(since=later, until=later + timedelta(days=7))
    charts = build_series.project_charts(conn, demo_project.id, flt, "week")
    assert all(df.empty for df in charts.values())


def test_it_cuts_the_success_rate_per_utc_week_from_the_same_counts(conn, demo_project):
    now = utcnow()
    flt = BuildFilter(since=now - timedelta(days=30), until=now)
    weekly = build_series.project_charts(conn, demo_project.id, flt, "week")["success"]
    expected = conn.exec_driver_sql("""
        select date_trunc('week', created_at, 'UTC') as bucket,
               count(*) filter (where status in ('success', 'failed')) as finished
          from builds where project_id = %s and created_at >= %s and created_at < %s
         group by 1 order by 1""", (demo_project.id, flt.since, flt.until)).all()
    assert [(b.to_pydatetime(), int(n)) for b, n in zip(weekly["bucket"], weekly["finished"],
                                                       strict=True)] == \
        [(b, n) for b, n in expected]


def test_it_draws_a_branch_whose_builds_have_no_times(engine, clean_db, dash_app):
    """A build reported only as failed (no start or finish) has no duration: the page must
    still draw, with a dash for p50."""
    from sqlalchemy import text

    from jadugar import db
    from jadugar.services import build_series, builds
    from jadugar.services.build_reads import BuildFilter
    from jadugar.timeutil import utcnow
    from pages.build_project import branch_table

    with engine.begin() as c:
        c.execute(text("insert into projects (slug, name) values ('bare', 'Bare')"))
    with db.transaction() as c:
        builds.submit(c, "bare", {"status": "failed", "branch": "hotfix"})
        pid = c.execute(text("select id from projects where slug = 'bare'")).scalar_one()
        now = utcnow()
        df = build_series.branch_health(c, pid, BuildFilter(since=now.replace(year=now.year - 1),
                                                            until=now))
    assert "–" in str(branch_table(df))
