"""Notifications through Apprise to a real local webhook; failures are stored and retried."""

import pytest
from sqlalchemy import text
from support_processes import free_port

from jadugar import db
from jadugar.services import alerts, applications, checks, notifications
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow


def _firing_alert():
    from collectors.alerting import evaluate_rules

    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "shop", "name": "Shop"})
        check = checks.create_check(conn, "shop", {"name": "web", "type": "tcp",
                                                   "target": "127.0.0.1:9", "interval_s": 30})
        for _ in range(3):
            write_results(conn, [Row(check.id, utcnow(), "local", "down", error="refused")])
        evaluate_rules(conn, ("consecutive_failures",))
        return conn.execute(text("select id from alerts")).scalar_one()


def test_it_sends_to_every_matching_target_and_stores_failures(receiver, clean_db):
    url, got = receiver
    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "other", "name": "Other"})
        notifications.create_target(conn, {"name": "hook", "url": url})
        notifications.create_target(conn, {"name": "broken",
                                           "url": f"json://127.0.0.1:{free_port()}/x"})
        notifications.create_target(conn, {"name": "elsewhere", "url": url,
                                           "application": "other"})
    alert_id = _firing_alert()
    assert notifications.send_pending(db.transaction) == 2
    assert [m["title"] for m in got] == ["[FIRED] Shop / web: failed 3 times in a row"]
    with db.transaction() as conn:
        targets = {t.name: t for t in notifications.list_targets(conn)}
        notes = {n.target: n for n in notifications.list_notifications(conn)}
    assert targets["hook"].last_sent_at and targets["hook"].last_error is None
    assert targets["broken"].last_error and notes["broken"].status == "pending"
    assert notes["broken"].attempts == 1 and notes["broken"].next_attempt_at > utcnow()
    assert notifications.send_pending(db.transaction) == 0  # backing off, not hammering

    with db.transaction() as conn:
        alerts.acknowledge(conn, alert_id, "alice")
    # One new row per target; the old failed row of "broken" is still backing off.
    assert notifications.send_pending(db.transaction) == 2
    assert got[-1]["title"].startswith("[ACKNOWLEDGED]")


def test_it_sends_a_test_message_and_keeps_the_error(receiver, clean_db):
    url, got = receiver
    with db.transaction() as conn:
        ok = notifications.create_target(conn, {"name": "hook", "url": url}).id
        bad = notifications.create_target(conn, {"name": "bad",
                                                 "url": f"json://127.0.0.1:{free_port()}/"}).id
    assert notifications.send_test(ok) is None and got[0]["title"] == "Jadugar test notification"
    error = notifications.send_test(bad)
    assert error
    with db.transaction() as conn:
        assert notifications.get_target(conn, bad).last_error == error


def test_it_rejects_a_url_apprise_does_not_know(conn):
    from jadugar.errors import Invalid

    with pytest.raises(Invalid) as err:
        notifications.create_target(conn, {"name": "x", "url": "nonsense://what"})
    assert err.value.field == "url"
