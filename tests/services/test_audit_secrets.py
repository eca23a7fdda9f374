"""Secrets are audited as changed, never with their value: password hashes, token hashes,
Apprise URLs, webhook secrets, check credentials. The change itself is still recorded."""

from __future__ import annotations

import json

from click.testing import CliRunner
from monitoring_factory import make_app
from sqlalchemy import text

from jadugar import audit_context, auth
from jadugar.cli import main
from jadugar.services import notifications


def _last(conn, object_type: str):
    return conn.execute(text("select * from audit_log where object_type = :t "
                             "order by id desc limit 1"), {"t": object_type}).one()


def test_it_records_a_cli_password_change_without_the_hash(engine, clean_db):
    runner = CliRunner()
    runner.invoke(main, ["user", "create", "carol", "--role", "admin", "--password-stdin"],
                  input="first-password\n")
    r = runner.invoke(main, ["user", "password", "carol", "--password-stdin"],
                      input="second-password\n")
    assert r.exit_code == 0, r.output

    with engine.connect() as c:
        entry = _last(c, "user")
        stored = c.execute(text("select password_hash from users")).scalar_one()
    assert entry.action == "update" and entry.via == "cli" and entry.actor
    assert entry.summary == {"password_hash": "(changed)"}
    assert stored not in json.dumps(entry.summary) and "scrypt" not in json.dumps(entry.summary)
    assert audit_context.current() is None  # the command's binding ended with it


def test_it_records_an_apprise_url_change_without_the_url(conn):
    url = "slack://T000/B000/XXXXsecretXXXX/#ops"
    target = notifications.create_target(conn, {"name": "ops", "url": "json://127.0.0.1:9/x"})
    notifications.update_target(conn, target.id, {"url": url})

    entry = _last(conn, "notification_target")
    assert entry.action == "update" and entry.summary == {"url": "(changed)"}
    created = conn.execute(text("select summary from audit_log where action = 'create' and "
                                "object_type = 'notification_target'")).scalar_one()
    assert created["url"] == "(set)" and created["name"] == "ops"
    assert "secret" not in str(list(conn.execute(text("select summary from audit_log"))))


def test_it_keeps_tokens_webhook_secrets_and_check_credentials_out(conn):
    _id, secret = auth.create_token(conn, "ci", "admin")
    project = conn.execute(text("insert into projects (slug, name) values ('web', 'Web') "
                                "returning id")).scalar_one()
    conn.execute(text("insert into project_webhook_secrets (project_id, source, secret) "
                      "values (:p, 'github', 'gh-hush')"), {"p": project})
    conn.execute(text("update project_webhook_secrets set secret = 'gh-hush-2'"))
    app_id = make_app(conn, "shop")
    conn.execute(text("""insert into health_checks (application_id, name, type, target,
        interval_s, options) values (:a, 'db', 'http', 'https://bob:pw-hush@db.internal:8443/p?k=q',
        60, '{"headers": {"Authorization": "Bearer hdr-hush"}, "body": "body-hush",
              "verify_tls": false}')"""), {"a": app_id})

    everything = str(list(conn.execute(text("select summary from audit_log"))))
    for leaked in (secret, secret[10:], "gh-hush", "pw-hush", "hdr-hush", "body-hush", "k=q"):
        assert leaked not in everything
    check = _last(conn, "check").summary
    assert check["target"] == "https://db.internal:8443"  # where it points, no credentials
    assert check["options"] == {"headers": "(changed)", "body": "(changed)",
                                "verify_tls": False}
    assert _last(conn, "api_token").summary["token_hash"] == "(set)"
    created, changed = conn.execute(text(
        "select action, object_id, summary from audit_log where object_type = "
        "'project_webhook_secret' order by id")).all()
    assert created.summary == {"project_id": project, "source": "github", "secret": "(set)"}
    assert (changed.action, changed.object_id) == ("update", str(project))
    assert changed.summary == {"secret": "(changed)"}
