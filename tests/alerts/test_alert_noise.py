"""Issue 12, finding 8: one outage is one incident, notified once per target, with capped
reminders, routed by severity, and held back under a silence. On the main of 2026-12-01 an
outage raised three alerts, each to every target; reminders never stopped; after a
heartbeat /fail the title read "no successful ping for 0 s"."""

from datetime import timedelta

from sqlalchemy import text

from collectors.alerting.decide import Decision, RuleState, decide
from jadugar.services import alerts, heartbeat, notifications, silences
from jadugar.timeutil import utcnow


def _targets(conn, **more):
    notifications.create_target(conn, {"name": "all", "url": "json://127.0.0.1:9/a"})
    for name, severity in more.items():
        notifications.create_target(conn, {"name": name, "url": "json://127.0.0.1:9/b",
                                           "min_severity": severity})


def _outbox(conn):
    return conn.execute(text("""select t.name, n.event, a.rule_id from notifications n
        join notification_targets t on t.id = n.target_id join alerts a on a.id = n.alert_id
        order by n.id""")).all()


def test_one_outage_is_one_incident_notified_once_per_target(world):
    _targets(world.conn)
    web, api_check = world.check("web"), world.check("api")
    slow = world.rule(web, kind="consecutive_failures", threshold=2)
    world.results(web, "ddd")
    world.results(api_check, "ddd")
    world.evaluate()
    fired = world.alerts()
    assert len(fired) >= 3  # the default rules of both checks and ours
    assert len({r.rule_id for r in fired}) == len(fired)
    out = _outbox(world.conn)
    assert [(name, event) for name, event, _ in out] == [("all", "fired")]
    keys = world.conn.execute(text("select distinct incident_key from alerts")).scalars().all()
    assert len(keys) == 1 and keys[0].startswith("application:")
    assert slow in {r.rule_id for r in fired}

    # The incident ends when its last alert does: one 'resolved', not one per alert.
    world.results(web, "uuu")
    world.evaluate()
    assert [e for _, e, _ in _outbox(world.conn)].count("resolved") == 0
    world.results(api_check, "uuu")
    world.evaluate()
    assert [e for _, e, _ in _outbox(world.conn)].count("resolved") == 1


def test_group_by_check_makes_each_check_its_own_incident(world):
    _targets(world.conn)
    web, api_check = world.check("web"), world.check("api")
    world.conn.execute(text("update alert_rules set group_by = 'check'"))
    world.results(web, "ddd")
    world.results(api_check, "ddd")
    world.evaluate("consecutive_failures")
    assert [e for _, e, _ in _outbox(world.conn)] == ["fired", "fired"]


def test_targets_hear_only_alerts_as_severe_as_they_ask(world):
    _targets(world.conn, pager="critical", chat="warning")
    web = world.check("web")
    world.conn.execute(text("update alert_rules set severity = 'warning'"))
    world.results(web, "ddd")
    world.evaluate("consecutive_failures")
    assert sorted(name for name, _, _ in _outbox(world.conn)) == ["all", "chat"]


def test_a_silence_holds_notifications_back_but_the_alert_still_opens(world):
    _targets(world.conn)
    web = world.check("web")
    silences.create_silence(world.conn, {"application": "shop", "duration_s": 3600,
                                         "reason": "deploying the new database"}, "alice")
    world.results(web, "ddd")
    world.evaluate("consecutive_failures")
    assert len(world.alerts()) == 1 and _outbox(world.conn) == []


def test_an_expired_silence_holds_nothing_back(world):
    _targets(world.conn)
    web = world.check("web")
    sid = silences.create_silence(world.conn, {"check_id": web, "duration_s": 3600,
                                               "reason": "flaky upstream"}, "alice")
    silences.expire(world.conn, sid)
    world.results(web, "ddd")
    world.evaluate("consecutive_failures")
    assert [e for _, e, _ in _outbox(world.conn)] == ["fired"]


def test_reminders_stop_after_the_cap():
    now = utcnow()
    state = dict(breaching=True, recovered=False, repeat_s=60, open_state="firing",
                 last_notified_at=now - timedelta(hours=1), max_reminders=2)
    assert decide(RuleState(**state, notified=1), now) is Decision.REMIND
    assert decide(RuleState(**state, notified=2), now) is Decision.REMIND
    assert decide(RuleState(**state, notified=3), now) is Decision.NOTHING
    assert decide(RuleState(**{**state, "max_reminders": None}, notified=50), now) \
        is Decision.REMIND


def test_a_reminder_speaks_only_for_the_incident_s_first_alert(world):
    _targets(world.conn)
    web, api_check = world.check("web"), world.check("api")
    world.results(web, "ddd")
    world.results(api_check, "ddd")
    world.evaluate("consecutive_failures")
    first, second = world.alerts()
    alerts.remind(world.conn, second.id)
    alerts.remind(world.conn, first.id)
    assert [e for _, e, _ in _outbox(world.conn)] == ["fired", "reminder"]


def test_a_heartbeat_fail_title_says_the_job_failed(world):
    check = world.check("nightly", type="heartbeat", interval_s=3600, grace_s=60)
    token = world.conn.execute(text("select heartbeat_token from health_checks where id = :i"),
                               {"i": check}).scalar_one()
    heartbeat.ping(world.conn, token, "success")
    heartbeat.ping(world.conn, token, "fail", "disk full")
    world.evaluate("heartbeat_missed")
    titles = [r.title for r in world.alerts()]
    assert titles == ["Shop / nightly: the job reported a failure: disk full"], titles


def test_a_silent_heartbeat_title_says_how_long_in_words(world):
    from collectors.alerting.evaluate import describe

    class Rule:
        kind, value, threshold, last_error = "heartbeat_missed", 7500.0, None, \
            "no ping since 2026-12-01 01:00:00 UTC"

    assert describe(Rule) == "no successful ping for 2 h 5 min"


def test_a_silence_out_of_range_is_refused_naming_the_field(world):
    import pytest

    from jadugar.errors import Invalid

    for body, field in (({"duration_s": 1.5e16}, "duration_s"),
                        ({"starts_at": "9999-12-31T00:00:00Z", "duration_s": 60}, "starts_at"),
                        ({"ends_at": "2000-01-01T00:00:00Z"}, "ends_at")):
        with pytest.raises(Invalid) as err:
            silences.create_silence(world.conn, {"reason": "r", **body}, "alice")
        assert err.value.field == field, body
