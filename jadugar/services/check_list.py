"""Every check with its application's slug: the Settings list and the check pickers (the
alert rule form). One application's checks, with their details, are in services/checks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

ALL_CHECKS = text("""
select c.id, a.slug as application, c.name, c.type, c.interval_s, c.status
  from health_checks c join applications a on a.id = c.application_id
 order by a.slug, c.name, c.id
""")


def all_checks(conn: Connection) -> list[Any]:
    return list(conn.execute(ALL_CHECKS).all())


def choices(conn: Connection) -> list[dict[str, Any]]:
    """Dropdown options, labelled "application / check"."""
    return [{"label": f"{r.application} / {r.name}", "value": r.id} for r in all_checks(conn)]
