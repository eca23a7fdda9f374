"""The collector, logins and token use update configuration rows all the time (status,
next_run_at, last_login_at, last_used_at ...). None of that is a change anyone made, so
none of it may reach the audit log; a real change in the same table still does."""

from __future__ import annotations

from datetime import timedelta

from monitoring_factory import make_app, make_check
from sqlalchemy import text

from collectors.scheduler import claim_due_checks
from jadugar import auth
from jadugar.services import history, notifications
from jadugar.timeutil import utcnow


def _entries(conn) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.execute(text(
        "select action, object_type from audit_log order by id"))]


def test_it_writes_no_entry_for_the_collectors_claims_and_results(conn):
    check_id = make_check(conn, make_app(conn, "shop"))
    conn.execute(text("update health_checks set next_run_at = now() - interval '1 minute'"))
    before = _entries(conn)

    assert [c.spec.id for c in claim_due_checks(conn, "c1", "local", 10)] == [check_id]
    written = history.write_results(conn, [
        history.Row(check_id, utcnow() - timedelta(seconds=i), "local", "down", 12.0, 500,
                    "boom") for i in range(3)])
    assert written.changed_checks and written.changed_apps  # status really moved

    assert _entries(conn) == before


def test_it_writes_no_entry_for_logins_token_use_or_delivery_outcomes(conn):
    auth.create_user(conn, "alice", "admin", "correct horse")
    _id, secret = auth.create_token(conn, "ci", "ingest")
    target = notifications.create_target(conn, {"name": "ops", "url": "json://127.0.0.1:9/x"})
    before = _entries(conn)

    assert auth.authenticate(conn, "alice", "correct horse") is not None  # last_login_at
    assert auth.token_scope(conn, secret) == "ingest"  # last_used_at
    conn.execute(text("update notification_targets set last_error = 'refused', "
                      "last_error_at = now(), last_sent_at = now() where id = :id"),
                 {"id": target.id})

    assert _entries(conn) == before


def test_it_still_records_a_real_change_to_a_busy_check(conn):
    check_id = make_check(conn, make_app(conn, "shop"))
    conn.execute(text("update health_checks set interval_s = 30, next_run_at = now(), "
                      "status = 'down' where id = :id"), {"id": check_id})
    row = conn.execute(text("select action, summary from audit_log "
                            "where object_type = 'check' order by id desc limit 1")).one()
    assert row.action == "update" and row.summary == {"interval_s": 30}
