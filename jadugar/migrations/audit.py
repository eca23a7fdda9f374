"""Helpers the migrations share."""

import sqlalchemy as sa
from alembic import op


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
