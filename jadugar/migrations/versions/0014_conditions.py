"""Public badges: applications.public (default off) says whether /badge/{application}/...
answers at all. Conditions live in health_checks.expect and cron heartbeats in options, so
nothing else changes shape.

The audit trigger of applications is re-attached, so the new column is watched like the
others (making an application public is worth a line in the audit log).

Revision ID: 0014c
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0014c"
down_revision = "0013"
branch_labels = None
depends_on = None


# 0013's helper, copied: a migration stays as it was written, whatever later ones change.
def reattach_audit(table: str, without: tuple[str, ...] = ()) -> None:
    """Recreate the table's audit UPDATE trigger over every column its arguments do not
    ignore (0007's `attach`, read back from the trigger that exists), leaving out the
    columns `without` (about to be dropped: the trigger would stop the drop)."""
    bind = op.get_bind()
    row = bind.execute(sa.text("""
        select encode(tgargs, 'escape') from pg_trigger
         where tgname = 'audit_update' and tgrelid = cast(:t as regclass)"""),
        {"t": table}).scalar()
    if row is None:
        return
    args = row.split("\\000")[:-1]
    ignored = set(args[0].strip("{}").split(","))
    columns = bind.execute(sa.text(
        "select column_name from information_schema.columns where table_schema = "
        "current_schema() and table_name = :t order by ordinal_position"),
        {"t": table}).scalars()
    watched = ", ".join(c for c in columns if c not in ignored and c not in without)
    quoted = ", ".join("'" + a.replace("'", "''") + "'" for a in args)
    op.execute(f"drop trigger audit_update on {table}")
    op.execute(f"create trigger audit_update after update of {watched} on {table} "
               f"for each row execute function audit_row({quoted})")


def upgrade() -> None:
    op.execute("alter table applications add column public boolean not null default false")
    reattach_audit("applications")


def downgrade() -> None:
    reattach_audit("applications", without=("public",))
    op.execute("alter table applications drop column public")
