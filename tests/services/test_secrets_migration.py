"""Migration 0006 encrypts the secrets an existing database holds in plain text, and its
downgrade puts them back. On a database of its own, migrated step by step."""

import json

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from migration_support import new_database
from sqlalchemy import text

from jadugar import migrations
from jadugar.services import check_credentials as credentials

REVISION = "0006"
TARGET = "https://bot:pw-user@shop.example/h?token=pw-query"
OPTIONS = {"method": "POST", "body": "pw-body", "headers": {"Authorization": "pw-bearer",
                                                             "Accept": "text/plain"}}


@pytest.fixture
def old_engine(engine):
    """A new database migrated up to the revision before 0006."""
    with new_database(engine) as fresh:
        parent = ScriptDirectory.from_config(migrations.alembic_config(fresh)).get_revision(
            REVISION).down_revision
        migrations.upgrade(fresh, parent)
        yield fresh, parent


def _rows(engine) -> str:
    with engine.connect() as c:
        return json.dumps([list(map(str, r)) for r in c.execute(text(
            """select target, options::text from health_checks
               union all select github_webhook_secret, gitlab_webhook_token from projects
               union all select url, name from notification_targets""")).all()])


def test_it_encrypts_existing_secrets_and_decrypts_them_on_downgrade(old_engine):
    fresh, parent = old_engine
    with fresh.begin() as c:
        app = c.execute(text("insert into applications (slug, name, tags, status) values "
                             "('shop', 'Shop', '{}', 'unknown') returning id")).scalar_one()
        c.execute(text("""insert into health_checks (application_id, name, type, target,
            interval_s, options) values (:a, 'api', 'http', :t, 60, cast(:o as jsonb))"""),
            {"a": app, "t": TARGET, "o": json.dumps(OPTIONS)})
        c.execute(text("insert into projects (slug, name, github_webhook_secret, "
                       "gitlab_webhook_token) values ('web', 'Web', 'pw-gh', 'pw-gl')"))
        c.execute(text("insert into notification_targets (name, url) "
                       "values ('hook', 'json://h.example/pw-hook')"))
    assert "pw-" in _rows(fresh)

    migrations.upgrade(fresh, REVISION)
    # Whole secrets, not the bare "pw-" prefix: base64 ciphertext contains it by chance.
    stored = _rows(fresh)
    assert not [s for s in ("pw-user", "pw-query", "pw-body", "pw-bearer", "pw-gh", "pw-gl",
                            "pw-hook") if s in stored]
    with fresh.connect() as c:
        row = c.execute(text("select target, options, credentials from health_checks")).one()
    assert credentials.unseal(row.target, row.options, row.credentials) == (TARGET, OPTIONS)

    command.downgrade(migrations.alembic_config(fresh), parent)
    rows = _rows(fresh)
    for secret in ("pw-user", "pw-bearer", "pw-body", "pw-gh", "pw-gl", "pw-hook"):
        assert secret in rows
    with fresh.connect() as c:
        assert c.execute(text("select count(*) from information_schema.columns where "
                              "table_name = 'health_checks' and column_name = 'credentials'")
                         ).scalar_one() == 0
