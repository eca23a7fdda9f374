"""Issue 12, finding 7: several locations must not raise false alerts. On the main of
2026-12-01 any collector claimed any check, so one cut off from the network raised alerts
for healthy services, and claimed notifications it could not send.

Here: checks pinned to locations, a collector judged impaired against its peers (and not
when every collector sees the failures: that is a real outage), its checks left to healthy
collectors, its failures silenced in alert rules, and one alert about the collector."""

from datetime import timedelta

import pytest
from monitoring_factory import make_app
from sqlalchemy import text

from collectors import jobs
from collectors.alerting import evaluate_rules
from collectors.scheduler import add_location_schedules, claim_due_checks
from collectors.stats import Stats
from jadugar.errors import Invalid
from jadugar.services import applications, checks, collector_health, collector_status, notifications
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow


def _check(conn, app: str, name: str, **more) -> int:
    return checks.create_check(conn, app, {"name": name, "type": "tcp",
                                           "target": "db.example:5432", "interval_s": 30,
                                           **more}).id


def _due_now(conn) -> None:
    conn.execute(text("update health_checks set next_run_at = now() - interval '1 s'"))
    conn.execute(text("update check_schedule set next_run_at = now() - interval '1 s'"))


def _claimed(conn, location: str, shared: bool = True) -> set[str]:
    got = claim_due_checks(conn, f"collector-{location}", location, 100, shared=shared)
    names = dict(conn.execute(text("select id, name from health_checks")).all())
    return {names[c.spec.id] for c in got}


def test_a_pinned_check_runs_only_from_its_locations(conn):
    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    _check(conn, "shop", "anywhere")
    _check(conn, "shop", "eu-only", locations=["eu"])
    _due_now(conn)
    assert _claimed(conn, "us") == {"anywhere"}
    _due_now(conn)
    assert _claimed(conn, "eu") == {"anywhere", "eu-only"}


def test_multi_location_checks_get_schedules_only_where_pinned(conn):
    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    pinned = _check(conn, "shop", "two", locations=["eu", "us"], locations_required=2)
    for location in ("eu", "us", "ap"):
        add_location_schedules(conn, location)
    assert set(conn.execute(text("select location from check_schedule where check_id = :c"),
                            {"c": pinned}).scalars()) == {"eu", "us"}
    # Pinned elsewhere later: the old location's schedule row goes.
    checks.update_check(conn, pinned, {"locations": ["us", "ap"]})
    for location in ("eu", "us", "ap"):
        add_location_schedules(conn, location)
    assert set(conn.execute(text("select location from check_schedule where check_id = :c"),
                            {"c": pinned}).scalars()) == {"us", "ap"}


@pytest.mark.parametrize("value, message", [
    ([], "locations must be a list"), ("eu", "locations must be a list"),
    (["eu", "bad name"], "locations[1]"), ([1], "locations[0]")])
def test_bad_locations_name_the_field(conn, value, message):
    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    with pytest.raises(Invalid) as err:
        _check(conn, "shop", "x", locations=value)
    assert err.value.field == "locations" and message in err.value.message


def test_locations_required_cannot_exceed_the_pinned_locations(conn):
    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    with pytest.raises(Invalid) as err:
        _check(conn, "shop", "x", locations=["eu"], locations_required=2)
    assert err.value.field == "locations_required"


def _report(conn, name: str, location: str, ok: int, failed: int) -> bool:
    collector_status.report(conn, name, location, recent_ok=ok, recent_failed=failed)
    return collector_health.judge(conn, name)


def _alerts(conn) -> list:
    return conn.execute(text("select title, state, check_id from alerts order by id")).all()


def test_a_collector_failing_alone_is_impaired_and_says_so(conn):
    notifications.create_target(conn, {"name": "ops", "url": "json://127.0.0.1:9/hook"})
    assert _report(conn, "a", "eu", ok=20, failed=0) is False
    assert _report(conn, "b", "us", ok=0, failed=18) is True
    [alert] = _alerts(conn)
    assert alert.title == "Collector b (us) is impaired" and alert.state == "firing"
    assert conn.execute(text("select count(*) from notifications")).scalar() == 1
    # Still failing: one alert, not one per report.
    assert _report(conn, "b", "us", ok=1, failed=17) is True
    assert len(_alerts(conn)) == 1
    # Recovered: the alert resolves.
    assert _report(conn, "b", "us", ok=15, failed=1) is False
    assert [a.state for a in _alerts(conn)] == ["resolved"]
    assert collector_health.impaired_collectors(conn) == []


def test_when_every_collector_sees_failures_it_is_an_outage_not_an_impairment(conn):
    assert _report(conn, "a", "eu", ok=1, failed=19) is False
    assert _report(conn, "b", "us", ok=0, failed=18) is False
    assert _alerts(conn) == []


def test_too_few_results_judge_nothing(conn):
    _report(conn, "a", "eu", ok=20, failed=0)
    assert _report(conn, "b", "us", ok=0, failed=collector_health.MIN_RESULTS - 1) is False


def test_an_impaired_collector_claims_only_its_pinned_checks(conn):
    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    _check(conn, "shop", "anywhere")
    _check(conn, "shop", "us-only", locations=["us"])
    _due_now(conn)
    assert _claimed(conn, "us", shared=False) == {"us-only"}
    assert _claimed(conn, "eu") == {"anywhere"}


def test_failures_from_an_impaired_collector_raise_no_check_alert(conn):
    make_app(conn, "shop")
    check_id = _check(conn, "shop", "db")  # with the default rule: 3 failures in a row
    _report(conn, "a", "eu", ok=20, failed=0)
    _report(conn, "b", "us", ok=0, failed=20)
    now = utcnow()
    for i in range(5, 0, -1):  # one result per batch, as the collector writes them
        write_results(conn, [Row(check_id, now - timedelta(seconds=30 * i), "us", "down",
                                 error="connection timed out", collector="b")])
        evaluate_rules(conn, ("consecutive_failures",), [check_id])
    assert _alerts(conn) == [("Collector b (us) is impaired", "firing", None)]
    # The same failures seen by a healthy collector are the check's: it fires.
    write_results(conn, [Row(check_id, now, "eu", "down", error="connection refused",
                             collector="a")])
    evaluate_rules(conn, ("consecutive_failures",), [check_id])
    assert [a.check_id for a in _alerts(conn)] == [None, check_id]
    assert "failed 6 times in a row" in _alerts(conn)[1].title


def test_an_impaired_collector_sends_no_notifications(engine, clean_db):
    from jadugar import db

    with db.transaction() as conn:
        notifications.create_target(conn, {"name": "ops", "url": "json://127.0.0.1:9/hook"})
        _report(conn, "a", "eu", ok=20, failed=0)
        _report(conn, "b", "us", ok=0, failed=20)
    stats = Stats()
    stats.impaired = True
    jobs.send_notifications(stats)
    with engine.connect() as c:
        assert c.execute(text("select attempts from notifications")).scalars().all() == [0]


def test_locations_round_trip_through_config_export(conn):
    from jadugar.services import config_io

    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    _check(conn, "shop", "pinned", locations=["us", "eu"])
    _check(conn, "shop", "free")
    [app] = [a for a in config_io.export_doc(conn)["applications"] if a["slug"] == "shop"]
    by_name = {c["name"]: c for c in app["checks"]}
    assert by_name["pinned"]["locations"] == ["eu", "us"]
    assert "locations" not in by_name["free"]
