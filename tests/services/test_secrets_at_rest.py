"""Finding 14: webhook secrets, check credentials and notification URLs sat in plain text in
the database. The raw columns must hold none of them, and the services still read them."""

import pytest

from jadugar.services import applications, checks, notifications, projects
from jadugar.services import check_credentials as credentials
from jadugar.services.webhooks import ingest

SECRETS = ("pw-in-userinfo", "pw-in-query", "pw-bearer", "pw-custom", "pw-body")


def _raw(conn, sql: str, **params) -> str:
    return " ".join(str(v) for row in conn.exec_driver_sql(sql, params or None).all()
                    for v in row)


@pytest.fixture
def shop(conn):
    applications.create_application(conn, {"slug": "shop", "name": "Shop"})
    return "shop"


def test_it_keeps_no_check_credential_in_plain_text(conn, shop):
    row = checks.create_check(conn, shop, {
        "name": "api", "type": "http", "interval_s": 60,
        "target": "https://bot:pw-in-userinfo@shop.example/h?token=pw-in-query&page=2",
        "options": {"method": "POST", "body": "grant=pw-body",
                    "headers": {"Authorization": "Bearer pw-bearer",
                                "X-Api-Credential": "pw-custom", "Accept": "text/plain"}}})
    raw = _raw(conn, "select target, options::text, credentials from health_checks")
    assert not [s for s in SECRETS if s in raw], raw
    assert "https://bot:***@shop.example/h?token=***&page=2" in raw and "text/plain" in raw
    sealed = conn.exec_driver_sql("select credentials from health_checks").scalar_one()
    assert sealed.startswith("gAAAAA")  # a Fernet token
    target, options = credentials.unseal(row.target, row.options, row.credentials)
    assert target == "https://bot:pw-in-userinfo@shop.example/h?token=pw-in-query&page=2"
    assert options["headers"]["X-Api-Credential"] == "pw-custom"
    assert options["body"] == "grant=pw-body"


def test_it_stores_a_check_without_credentials_as_it_is(conn, shop):
    checks.create_check(conn, shop, {"name": "home", "type": "http", "interval_s": 60,
                                     "target": "https://shop.example/?page=2"})
    row = conn.exec_driver_sql("select target, credentials from health_checks").one()
    assert tuple(row) == ("https://shop.example/?page=2", None)


def test_it_keeps_no_webhook_secret_in_plain_text(conn):
    projects.create_project(conn, {"slug": "web", "name": "Web", "repository": "octo/web"})
    projects.set_webhook_secrets(conn, "web", {"github_webhook_secret": "pw-github",
                                               "gitlab_webhook_token": "pw-gitlab"})
    raw = _raw(conn, "select secret from project_webhook_secrets")
    assert raw.count("gAAAAA") == 2  # two Fernet tokens
    assert "pw-github" not in raw and "pw-gitlab" not in raw
    assert ingest.secret_for(conn, "github", "octo/web") == "pw-github"
    assert ingest.secret_for(conn, "gitlab", "octo/web") == "pw-gitlab"
    assert projects.to_dict(projects.get_project(conn, "web"))["has_github_secret"] is True


def test_it_keeps_no_notification_url_in_plain_text(conn):
    made = notifications.create_target(conn, {"name": "hook",
                                              "url": "json://hooks.example/pw-hook-path"})
    assert "pw-hook" not in _raw(conn, "select url from notification_targets")
    assert notifications.get_target(conn, made.id).url == "json://hooks.example/pw-hook-path"
    assert notifications.to_dict(made)["url"] == "json://***"


def test_it_still_lists_a_notification_target_the_key_cannot_open(conn, monkeypatch):
    from jadugar import config

    made = notifications.create_target(conn, {"name": "hook", "url": "json://h.example/x"})
    monkeypatch.setattr(config, "_current", config.get().replace(secret_key="another-key"))
    [listed] = notifications.list_targets(conn)
    assert listed.url.startswith("*** (unreadable") and listed.id == made.id
