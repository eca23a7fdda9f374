"""The dashboard's trends and its "warming up" count (jadugar/services/dashboard_trends.py,
dashboard.py), on real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from monitoring_factory import add_history, make_app, make_check
from sqlalchemy import text

from jadugar.services import dashboard, dashboard_trends
from jadugar.timeutil import utcnow


def test_it_counts_builds_per_day_by_outcome(engine, clean_db):
    with engine.begin() as c:
        pid = c.execute(text("insert into projects (slug, name) values ('web', 'Web') "
                             "returning id")).scalar_one()
        c.execute(text("""insert into builds (project_id, status, created_at)
            select :p, s, now() - make_interval(days => d)
              from (values ('success', 0), ('success', 0), ('failed', 0), ('success', 2),
                           ('success', 30)) v(s, d)"""), {"p": pid})
        t = dashboard_trends.trends(c, days=14)
    by = {(r["day"].date(), r["status"]): r["builds"] for r in t["builds"]}
    today = utcnow().date()
    assert by[(today, "success")] == 2 and by[(today, "failed")] == 1
    assert sum(by.values()) == 4  # the one 30 days ago is outside the window


def test_it_picks_the_worst_applications_by_uptime(engine, clean_db):
    start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    with engine.begin() as c:
        for slug, statuses in (("good", "uuuu"), ("bad", "uxxx"), ("meh", "uuux")):
            add_history(c, make_check(c, make_app(c, slug)), start, statuses)
        t = dashboard_trends.trends(c, days=3, worst=2)
    assert [r["application"] for r in t["uptime"]][:1] == ["bad"]
    assert {r["application"] for r in t["uptime"]} == {"bad", "meh"}


def test_it_gives_the_worst_applications_uptime_per_day_over_all_their_checks(engine,
                                                                              clean_db):
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday = today - timedelta(days=1)
    with engine.begin() as c:
        shop = make_app(c, "shop")
        add_history(c, make_check(c, shop, "home"), yesterday, "uuxx")
        add_history(c, make_check(c, shop, "cart"), yesterday, "uuuu")
        add_history(c, make_check(c, shop, "api"), today, "ux")
        add_history(c, make_check(c, make_app(c, "blog")), yesterday, "uuuu")
        t = dashboard_trends.trends(c, days=3, worst=1)
    assert [(r["application"], r["day"].date(), r["uptime"]) for r in t["uptime"]] == [
        ("shop", yesterday.date(), 0.75), ("shop", today.date(), 0.5)]
    assert t["uptime"][0]["overall"] == 7 / 10


def test_it_counts_alerts_open_at_each_hour(engine, clean_db):
    now = utcnow().replace(minute=30, second=0, microsecond=0)  # half past: counts are exact
    with engine.begin() as c:
        app = make_app(c, "shop")
        c.execute(text("""insert into alerts (application_id, state, severity, title, fired_at,
                                              resolved_at, notify_count)
            values (:a, 'resolved', 'critical', 'old', :now - interval '5 hours',
                    :now - interval '150 minutes', 0),
                   (:a, 'firing', 'critical', 'new', :now - interval '90 minutes', null, 0)"""),
                  {"a": app, "now": now})
        t = dashboard_trends.trends(c, now=now)
    opened = [r["open"] for r in t["alerts"]]
    assert opened[-1] == 1 and max(opened) == 1 and opened[0] == 0
    assert sum(opened) == 2 + 2  # 'old' open at two hour marks, 'new' at two


def test_it_says_applications_are_warming_up_until_a_new_collector_ran_them(engine, clean_db):
    with engine.begin() as c:
        check = make_check(c, make_app(c, "shop", status="degraded"))
        assert dashboard.summary(c)["applications_warming"] == 0  # no collector running
        c.execute(text("""insert into collectors (name, location, started_at, last_seen_at)
                          values ('c1', 'local', now(), now())"""))
        assert dashboard.summary(c)["applications_warming"] == 1
        c.execute(text("update health_checks set last_run_at = now() + interval '1 second' "
                       "where id = :id"), {"id": check})
        assert dashboard.summary(c)["applications_warming"] == 0


def test_it_counts_a_restarted_collector_as_new(engine, clean_db):
    from collectors import jobs

    with engine.begin() as c:
        make_check(c, make_app(c, "shop"))
        c.execute(text("""insert into collectors (name, location, started_at, last_seen_at)
                          values ('c1', 'local', now() - interval '1 day', now())"""))
        c.execute(text("update health_checks set last_run_at = now() - interval '1 hour'"))
        assert dashboard.summary(c)["applications_warming"] == 0
    jobs.report_started("c1", "local")
    with engine.begin() as c:
        assert dashboard.summary(c)["applications_warming"] == 1
