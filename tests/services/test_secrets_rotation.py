"""Key rotation: with the new key in JADUGAR_SECRET_KEY and the old one in
JADUGAR_OLD_SECRET_KEY, `jadugar secrets rotate` re-encrypts every stored secret, after
which the old key is no longer needed (nor able to read them)."""

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from jadugar import config
from jadugar import secrets as vault
from jadugar.cli import main
from jadugar.services import applications, checks, notifications, projects
from jadugar.services import check_credentials as credentials
from jadugar.services.webhooks import ingest


@pytest.fixture
def keys(monkeypatch):
    """use(new, old=None): the process runs with these keys until the test ends."""
    base = config.get()

    def use(new: str, old: str | None = None) -> None:
        monkeypatch.setattr(config, "_current", base.replace(secret_key=new,
                                                             old_secret_key=old))
    use("key-a")
    return use


def _stored_secrets(engine) -> dict:
    with engine.connect() as c:
        check = c.execute(text("select target, options, credentials from health_checks")).one()
        target, _options = credentials.unseal(check.target, check.options, check.credentials)
        return {"target": target, "github": ingest.secret_for(c, "github", "octo/web"),
                "hook": notifications.get_target(c, c.execute(text(
                    "select id from notification_targets")).scalar_one()).url}


def _raw_tokens(engine) -> list[str]:
    with engine.connect() as c:
        return [c.execute(text(f"select {col} from {table}")).scalar_one()
                for table, col in (("health_checks", "credentials"),
                                   ("project_webhook_secrets", "secret"),
                                   ("notification_targets", "url"))]


def test_it_moves_every_secret_to_the_new_key(engine, clean_db, keys):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        checks.create_check(c, "shop", {"name": "db", "type": "redis", "interval_s": 60,
                                        "target": "redis://:pw-redis@127.0.0.1:6379"})
        projects.create_project(c, {"slug": "web", "name": "Web", "repository": "octo/web"})
        projects.set_webhook_secrets(c, "web", {"github_webhook_secret": "pw-gh"})
        notifications.create_target(c, {"name": "hook", "url": "json://h.example/pw-hook"})
    expected = {"target": "redis://:pw-redis@127.0.0.1:6379", "github": "pw-gh",
                "hook": "json://h.example/pw-hook"}
    before = _raw_tokens(engine)

    keys("key-b")  # a new key alone cannot read what the old one wrote
    with pytest.raises(vault.UnreadableSecret):
        _stored_secrets(engine)

    keys("key-b", old="key-a")
    assert _stored_secrets(engine) == expected  # both keys read during the rotation
    r = CliRunner().invoke(main, ["secrets", "rotate"])
    assert r.exit_code == 0, r.output
    assert "re-encrypted 3 secrets" in r.output
    assert not set(before) & set(_raw_tokens(engine))

    keys("key-b")
    assert _stored_secrets(engine) == expected
    keys("key-a")
    with pytest.raises(vault.UnreadableSecret):
        _stored_secrets(engine)


def test_it_changes_nothing_when_a_secret_cannot_be_read(engine, clean_db, keys):
    with engine.begin() as c:
        notifications.create_target(c, {"name": "hook", "url": "json://h.example/pw-hook"})
        before = c.execute(text("select url from notification_targets")).scalar_one()
    keys("key-c", old="key-b")  # neither is key-a, the one it was written with
    r = CliRunner().invoke(main, ["secrets", "rotate"])
    assert r.exit_code != 0 and "notification_targets 1 (url)" in r.output
    with engine.connect() as c:
        assert c.execute(text("select url from notification_targets")).scalar_one() == before
