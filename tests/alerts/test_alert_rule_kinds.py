"""Each rule kind against real rows in PostgreSQL (transaction rolled back per test)."""

from datetime import timedelta

from sqlalchemy import text

from jadugar.services import heartbeat, maintenance
from jadugar.timeutil import utcnow


def test_it_fires_after_three_failures_and_resolves_after_two_successes(world):
    check = world.check()
    rule = world.default_rule(check)
    world.results(check, "dd")
    world.evaluate()
    assert world.alerts(rule) == []
    world.results(check, "d")
    world.evaluate()
    [alert] = world.alerts(rule)
    assert alert.state == "firing" and "failed 3 times in a row" in alert.title
    world.results(check, "dddu")
    world.evaluate()
    assert [a.state for a in world.alerts(rule)] == ["firing"]  # one alert per incident
    world.results(check, "u")
    world.evaluate()
    assert [a.state for a in world.alerts(rule)] == ["resolved"]


def test_it_never_fires_on_a_flapping_check(world):
    check = world.check()
    world.results(check, "dudududdu")
    world.evaluate()
    assert world.alerts() == []


def test_it_holds_a_breach_for_for_s_before_firing(world):
    check = world.check()
    rule = world.rule(check, kind="consecutive_failures", threshold=1, for_s=120)
    world.results(check, "d")
    world.evaluate()
    assert world.alerts(rule) == []
    world.conn.execute(text("update alert_rules set pending_since = now() - interval '3 min' "
                            "where id = :r"), {"r": rule})
    world.evaluate()
    assert [a.state for a in world.alerts(rule)] == ["firing"]


def test_it_counts_failures_in_a_window(world):
    check = world.check()
    rule = world.rule(check, kind="failures_in_window", threshold=3, params={"of": 5})
    world.results(check, "dudud")
    world.evaluate("failures_in_window")
    assert [a.state for a in world.alerts(rule)] == ["firing"]
    world.results(check, "uuu")
    world.evaluate("failures_in_window")
    assert [a.state for a in world.alerts(rule)] == ["resolved"]


def test_it_alerts_when_uptime_falls_below_and_ignores_maintenance(world):
    check = world.check()
    rule = world.rule(check, kind="uptime_below", threshold=90, window_s=3600)
    start = world.t
    world.results(check, "uuuuuuuddd")  # 70 %
    maintenance.create_window(world.conn, {
        "title": "upgrade", "check_id": check, "starts_at": start + timedelta(minutes=3.75),
        "ends_at": start + timedelta(minutes=5.25)})
    world.evaluate("uptime_below")
    assert world.alerts(rule) == []  # the three failures were inside the window
    world.results(check, "dd")
    world.evaluate("uptime_below")
    [alert] = world.alerts(rule)
    assert "uptime 77.78% is below 90%" in alert.title


def test_it_alerts_on_slow_p95(world):
    check = world.check()
    rule = world.rule(check, kind="latency_p95_above", threshold=500, window_s=3600)
    world.results(check, "uuuu", response_ms=900.0)
    world.evaluate("latency_p95_above")
    assert "p95 response time 900 ms" in world.alerts(rule)[0].title


def test_it_alerts_on_a_metric_above_a_threshold(world):
    from jadugar.services import metrics

    rule = world.rule(application="shop", kind="metric_threshold", threshold=80,
                      params={"metric": "cpu", "op": ">"}, window_s=300)
    now = utcnow()
    metrics.ingest(world.conn, [("shop", "cpu", {}, 95.0, now - timedelta(seconds=s))
                                for s in (10, 20, 30)])
    world.evaluate("metric_threshold")
    assert [a.state for a in world.alerts(rule)] == ["firing"]


def test_it_alerts_when_a_heartbeat_is_missed_and_resolves_on_the_next_ping(world):
    check = world.check("cron", type="heartbeat", interval_s=60, grace_s=30)
    rule = world.default_rule(check)
    world.conn.execute(text("update health_checks set created_at = now() - interval '5 min' "
                            "where id = :c"), {"c": check})
    assert heartbeat.mark_overdue(world.conn) == [check]
    assert heartbeat.mark_overdue(world.conn) == []  # one down result per interval
    world.evaluate("heartbeat_missed")
    assert [a.state for a in world.alerts(rule)] == ["firing"]
    token = world.conn.execute(text("select heartbeat_token from health_checks where id = :c"),
                               {"c": check}).scalar_one()
    heartbeat.ping(world.conn, token)
    world.evaluate("heartbeat_missed")
    assert [a.state for a in world.alerts(rule)] == ["resolved"]


def test_it_alerts_on_a_run_that_took_too_long(world):
    check = world.check("job", type="heartbeat", interval_s=3600)
    rule = world.rule(check, kind="run_duration", params={"max_s": 60, "min_s": 1})
    world.results(check, "u", details={"duration_s": 300})
    world.evaluate("run_duration")
    assert "the last run took 300.0 s" in world.alerts(rule)[0].title
    world.results(check, "u", details={"duration_s": 30})
    world.evaluate("run_duration")
    assert world.alerts(rule)[0].state == "resolved"


def test_it_warns_before_a_certificate_expires(world):
    check = world.check("cert", type="tls", target="127.0.0.1:443")
    rule = world.rule(check, kind="certificate_expiry", threshold=14)
    world.results(check, "d", details={"cert_days_left": 5.2})
    world.evaluate("certificate_expiry")
    assert "certificate expires in 5.2 days" in world.alerts(rule)[0].title


def test_it_alerts_when_degraded_too_long(world):
    check = world.check()
    rule = world.rule(check, kind="degraded_for", threshold=300)
    world.t = utcnow() - timedelta(seconds=40)
    world.results(check, "g")
    world.evaluate("degraded_for")
    assert world.alerts(rule) == []
    world.conn.execute(text("update health_checks set status_changed_at = now() "
                            "- interval '10 min' where id = :c"), {"c": check})
    world.evaluate("degraded_for")
    assert "degraded for" in world.alerts(rule)[0].title


def test_it_stays_quiet_while_the_check_it_depends_on_is_down(world):
    database = world.check("database")
    web = world.check("web", depends_on=database)
    world.results(database, "ddd")
    world.results(web, "ddd")
    world.evaluate("consecutive_failures")
    assert [a.title.split(":")[0] for a in world.alerts()] == ["Shop / database"]


def test_it_stays_quiet_in_a_recurring_maintenance_window_and_fires_after(world):
    check = world.check()
    now = utcnow()
    window = maintenance.create_window(world.conn, {
        "title": "nightly", "check_id": check, "recurrence": "daily",
        "starts_at": now - timedelta(days=3, minutes=10),
        "ends_at": now - timedelta(days=3) + timedelta(minutes=10)})
    assert maintenance.is_in_maintenance(world.conn, check)
    world.results(check, "ddd")
    world.evaluate()
    assert world.alerts() == []
    maintenance.delete_window(world.conn, window.id)
    world.evaluate()
    assert [a.state for a in world.alerts()] == ["firing"]


def test_it_needs_two_locations_to_agree_before_a_check_is_down(world):
    check = world.check(locations_required=2)
    world.results(check, "ddd", location="paris")
    status = world.conn.execute(text("select status from health_checks where id = :c"),
                                {"c": check}).scalar_one()
    assert status == "degraded"
    world.evaluate()
    assert world.alerts() == []
    world.results(check, "d", location="tokyo")
    status = world.conn.execute(text("select status from health_checks where id = :c"),
                                {"c": check}).scalar_one()
    assert status == "down"
