"""Secrets at rest: encrypt what was stored in plain text.

- health_checks.credentials (new): the secret parts of a check (a target's password or
  token, sensitive header values, the request body), encrypted; target and options keep a
  masked form (see jadugar/services/check_credentials.py).
- projects.github_webhook_secret / gitlab_webhook_token and notification_targets.url are
  encrypted in place.

The key is JADUGAR_SECRET_KEY or the data-dir key (jadugar.secrets), so run this where the
web and collector processes read the same settings. The downgrade decrypts everything back.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01
"""

import json

import sqlalchemy as sa
from alembic import op

from jadugar import secrets as vault
from jadugar.services import check_credentials

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SEALED_IN_PLACE = (("projects", "github_webhook_secret"),
                   ("projects", "gitlab_webhook_token"),
                   ("notification_targets", "url"))


def upgrade() -> None:
    op.add_column("health_checks", sa.Column("credentials", sa.Text()))
    conn = op.get_bind()
    for check_id, target, options in conn.execute(sa.text(
            "select id, target, options from health_checks order by id")).all():
        sealed = check_credentials.seal(target, options or {})
        if sealed["credentials"]:
            conn.execute(sa.text("""update health_checks set target = :target,
                options = cast(:options as jsonb), credentials = :credentials where id = :id"""),
                {**sealed, "options": json.dumps(sealed["options"]), "id": check_id})
    for table, column in SEALED_IN_PLACE:
        _rewrite(conn, table, column, vault.encrypt)


def downgrade() -> None:
    conn = op.get_bind()
    for table, column in SEALED_IN_PLACE:
        _rewrite(conn, table, column, vault.decrypt)
    for check_id, target, options, sealed in conn.execute(sa.text(
            "select id, target, options, credentials from health_checks "
            "where credentials is not null order by id")).all():
        target, options = check_credentials.unseal(target, options, sealed)
        conn.execute(sa.text("update health_checks set target = :t, "
                             "options = cast(:o as jsonb) where id = :id"),
                     {"t": target, "o": json.dumps(options), "id": check_id})
    op.drop_column("health_checks", "credentials")


def _rewrite(conn: sa.Connection, table: str, column: str, change) -> None:
    rows = conn.execute(sa.text(f"select id, {column} from {table} "
                                f"where {column} is not null order by id")).all()
    for row_id, value in rows:
        conn.execute(sa.text(f"update {table} set {column} = :v where id = :id"),
                     {"v": change(value), "id": row_id})
