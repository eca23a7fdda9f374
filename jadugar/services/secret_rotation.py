"""`jadugar secrets rotate`: every stored secret encrypted again under the current key.

Each is read with JADUGAR_SECRET_KEY or JADUGAR_OLD_SECRET_KEY and written back under
JADUGAR_SECRET_KEY, in the caller's one transaction: a secret neither key opens stops the
rotation with nothing changed, naming the row."""

from __future__ import annotations

from sqlalchemy import Connection, text

from jadugar import secrets as vault

# Every encrypted column (models: SealedText, and health_checks.credentials).
SEALED = (("projects", "github_webhook_secret"), ("projects", "gitlab_webhook_token"),
          ("notification_targets", "url"), ("health_checks", "credentials"))


def rotate_all(conn: Connection) -> int:
    """Re-encrypt every stored secret; returns how many."""
    count = 0
    for table, column in SEALED:
        rows = conn.execute(text(f"select id, {column} from {table} where {column} is not null"
                                 " order by id for update")).all()
        for row_id, token in rows:
            try:
                fresh = vault.rotate(token)
            except vault.UnreadableSecret as exc:
                raise vault.UnreadableSecret(f"{table} {row_id} ({column}): {exc.message}",
                                             field=column) from None
            conn.execute(text(f"update {table} set {column} = :v where id = :id"),
                         {"v": fresh, "id": row_id})
            count += 1
    return count
