"""`jadugar secrets rotate`: every stored secret encrypted again under the current key.

Each is read with JADUGAR_SECRET_KEY or JADUGAR_OLD_SECRET_KEY and written back under
JADUGAR_SECRET_KEY, in the caller's one transaction: a secret neither key opens stops the
rotation with nothing changed, naming the row."""

from __future__ import annotations

from sqlalchemy import Connection, text

from jadugar import secrets as vault

# Every encrypted column (models: SealedText, and health_checks.credentials), with the
# columns that identify its row.
SEALED = (("project_webhook_secrets", "secret", ("project_id", "source")),
          ("notification_targets", "url", ("id",)),
          ("health_checks", "credentials", ("id",)))


def rotate_all(conn: Connection) -> int:
    """Re-encrypt every stored secret; returns how many."""
    count = 0
    for table, column, key in SEALED:
        keys = ", ".join(key)
        match = " and ".join(f"{k} = :k{i}" for i, k in enumerate(key))
        rows = conn.execute(text(f"select {column}, {keys} from {table} where {column} is "
                                 f"not null order by {keys} for update")).all()
        for token, *row_key in rows:
            try:
                fresh = vault.rotate(token)
            except vault.UnreadableSecret as exc:
                where = "/".join(map(str, row_key))
                raise vault.UnreadableSecret(f"{table} {where} ({column}): {exc.message}",
                                             field=column) from None
            conn.execute(text(f"update {table} set {column} = :v where {match}"),
                         {"v": fresh, **{f"k{i}": v for i, v in enumerate(row_key)}})
            count += 1
    return count
