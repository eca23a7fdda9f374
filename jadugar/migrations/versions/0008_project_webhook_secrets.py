"""Per-project webhook secrets in one table, a row per project and CI source, instead of a
column on `projects` per provider: a new source (jadugar/services/webhooks/registry.py,
built in or a plug-in) then needs no schema change.

The values move as they are: both sides are SealedText under the same key, so the
ciphertext is copied, never decrypted. The new table gets the audit triggers of 0007 with
`secret` recorded only as "(set)" / "(changed)"; the projects triggers are re-attached,
since they name the columns that go. The moves themselves happen with no trigger attached,
so the audit log does not report a change nobody made. Downgrade moves GitHub's and
GitLab's secrets back; secrets of other sources have no column to go to and are dropped.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MOVED = (("github", "github_webhook_secret"), ("gitlab", "gitlab_webhook_token"))
# Trigger arguments as in 0007's AUDITED: object type, ignored, secret, host-only and
# key-only JSON columns, the column that identifies the row.
PROJECTS_BEFORE = ("project", "", "github_webhook_secret,gitlab_webhook_token", "", "", "id")
PROJECTS_AFTER = ("project", "", "", "", "", "id")
SECRETS = ("project_webhook_secret", "", "secret", "", "", "project_id")
ALWAYS_IGNORED = "id,created_at,updated_at"


def _array(names: str) -> str:
    return "{" + names + "}"


def attach(table: str, kind: str, ignored: str, secret: str, host: str, json_keys: str,
           key: str) -> str:
    """0007's `attach`, copied as its docstring asks: a migration must not change when an
    older one does."""
    skip = ",".join(filter(None, (ALWAYS_IGNORED, ignored)))
    args = ", ".join(f"'{a}'" for a in (_array(skip), _array(secret), _array(host),
                                        _array(json_keys), key, kind))
    watched = ", ".join(c for c in _columns(table) if c not in skip.split(","))
    return f"""
drop trigger if exists audit_write on {table};
drop trigger if exists audit_update on {table};
create trigger audit_write after insert or delete on {table}
    for each row execute function audit_row({args});
create trigger audit_update after update of {watched} on {table}
    for each row execute function audit_row({args});
"""


def _columns(table: str) -> list[str]:
    return list(op.get_bind().execute(sa.text(
        "select column_name from information_schema.columns where table_schema = "
        "current_schema() and table_name = :t order by ordinal_position"),
        {"t": table}).scalars())


def _detach(table: str) -> None:
    op.execute(f"drop trigger if exists audit_write on {table}")
    op.execute(f"drop trigger if exists audit_update on {table}")


def upgrade() -> None:
    op.execute("""
create table project_webhook_secrets (
    project_id bigint not null references projects(id) on delete cascade,
    source text not null,
    secret text not null,
    created_at timestamptz not null default now(),
    primary key (project_id, source)
)""")
    for source, column in MOVED:
        op.execute(f"""insert into project_webhook_secrets (project_id, source, secret)
                       select id, '{source}', {column} from projects
                        where {column} is not null and {column} <> ''""")
    _detach("projects")
    for _source, column in MOVED:
        op.execute(f"alter table projects drop column {column}")
    op.execute(attach("projects", *PROJECTS_AFTER))
    op.execute(attach("project_webhook_secrets", *SECRETS))


def downgrade() -> None:
    _detach("projects")
    _detach("project_webhook_secrets")
    for source, column in MOVED:
        op.execute(f"alter table projects add column {column} text")
        op.execute(f"""update projects p set {column} = s.secret
                         from project_webhook_secrets s
                        where s.project_id = p.id and s.source = '{source}'""")
    op.execute(attach("projects", *PROJECTS_BEFORE))
    op.execute("drop table project_webhook_secrets")
