"""Migration 0008 moves the per-provider secret columns of `projects` into
project_webhook_secrets as they are (ciphertext, never decrypted), and its downgrade moves
them back. On a database of its own, migrated step by step."""

import pytest
from alembic import command
from migration_support import new_database
from sqlalchemy import text

from jadugar import migrations
from jadugar import secrets as vault
from jadugar.services.webhooks import ingest

REVISION = "0008"


@pytest.fixture
def old_engine(engine):
    """A new database migrated up to 0007."""
    with new_database(engine) as fresh:
        migrations.upgrade(fresh, "0007")
        yield fresh


def _columns(c, table: str) -> set[str]:
    return set(c.execute(text("select column_name from information_schema.columns "
                              "where table_name = :t"), {"t": table}).scalars())


def test_it_moves_project_secrets_into_their_table_and_back(old_engine):
    gh, gl = vault.encrypt("pw-gh"), vault.encrypt("pw-gl")
    with old_engine.begin() as c:
        c.execute(text("""insert into projects (slug, name, repository, default_branch,
                                                github_webhook_secret, gitlab_webhook_token)
            values ('web', 'Web', 'octo/web', 'main', :gh, :gl),
                   ('api', 'Api', 'octo/api', 'main', null, :gl2),
                   ('doc', 'Doc', 'octo/doc', 'main', null, null)"""),
            {"gh": gh, "gl": gl, "gl2": gl})
        logged = c.execute(text("select count(*) from audit_log")).scalar_one()

    migrations.upgrade(old_engine, REVISION)
    with old_engine.begin() as c:
        moved = c.execute(text("""select p.slug, s.source, s.secret
            from project_webhook_secrets s join projects p on p.id = s.project_id
            order by 1, 2""")).all()
        assert [tuple(r) for r in moved] == [("api", "gitlab", gl), ("web", "github", gh),
                                             ("web", "gitlab", gl)]
        assert not {"github_webhook_secret", "gitlab_webhook_token"} & _columns(c, "projects")
        assert ingest.secret_for(c, "github", "octo/web") == "pw-gh"
        assert ingest.secret_for(c, "gitlab", "octo/api") == "pw-gl"
        # The move is no one's change; the audit triggers are attached after it.
        assert c.execute(text("select count(*) from audit_log")).scalar_one() == logged
        c.execute(text("update project_webhook_secrets set secret = :s where source = 'github'"),
                  {"s": vault.encrypt("pw-gh-2")})
        entry = c.execute(text("select object_type, summary from audit_log "
                               "order by id desc limit 1")).one()
        assert tuple(entry) == ("project_webhook_secret", {"secret": "(changed)"})

    command.downgrade(migrations.alembic_config(old_engine), "0007")
    with old_engine.connect() as c:
        back = c.execute(text("select slug, github_webhook_secret, gitlab_webhook_token "
                              "from projects order by slug")).all()
        assert "project_webhook_secrets" not in set(c.execute(text(
            "select tablename from pg_tables where schemaname = current_schema()")).scalars())
    assert [(s, a and vault.decrypt(a), b and vault.decrypt(b)) for s, a, b in back] == [
        ("api", None, "pw-gl"), ("doc", None, None), ("web", "pw-gh-2", "pw-gl")]
