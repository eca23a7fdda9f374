"""Reading the audit log (written by database triggers, migration 0007): filtered lists with
keyset paging for the API, the latest entries for Settings, and a formula-safe CSV.

The list, the page and the CSV share one WHERE clause, so a download holds exactly the
entries the filters select."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Result, TextClause, text

from jadugar.errors import Invalid
from jadugar.services.serialize import row_dict
from jadugar.timeutil import parse_time

# The kinds the triggers record (object_type); kept in step by tests/services.
OBJECT_TYPES = ("alert_rule", "api_token", "application", "application_project", "check",
                "maintenance_window", "notification_target", "project",
                "project_webhook_secret", "status_page",
                "status_page_application", "user")
COLUMNS = ("id, at, actor, address, via, action, object_type, object_id, object_name, "
           "summary")
WHERE = """
 where (cast(:since as timestamptz) is null or at >= :since)
   and (cast(:until as timestamptz) is null or at < :until)
   and (cast(:actor as text) is null or strpos(lower(actor), lower(:actor)) > 0)
   and (cast(:object_type as text) is null or object_type = :object_type)
"""
_MAX_ACTOR = 200


@dataclass(frozen=True)
class AuditFilter:
    """All optional; `actor` matches any part of the actor, ignoring case."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    object_type: str | None = None

    def __post_init__(self) -> None:
        if self.actor is not None and len(self.actor) > _MAX_ACTOR:
            raise Invalid(f"actor must be at most {_MAX_ACTOR} characters", field="actor")
        if self.object_type is not None and self.object_type not in OBJECT_TYPES:
            raise Invalid(f"object_type must be one of {', '.join(OBJECT_TYPES)}",
                          field="object_type")

    def params(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "actor": self.actor,
                "object_type": self.object_type}


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row)


def list_entries(conn: Connection, flt: AuditFilter, limit: int,
                 after: list[Any] | None = None) -> list[Any]:
    """Newest first, limit + 1 rows, keyset paging by (at, id)."""
    after_at, after_id = _cursor(after)
    q = text(f"""select {COLUMNS} from audit_log {WHERE}
                 and (cast(:after_at as timestamptz) is null
                      or (at, id) < (cast(:after_at as timestamptz), :after_id))
               order by at desc, id desc limit :limit""")
    return list(conn.execute(q, {**flt.params(), "after_at": after_at, "after_id": after_id,
                                 "limit": limit + 1}))


def _cursor(after: list[Any] | None) -> tuple[datetime | None, int | None]:
    if not after:
        return None, None
    if (len(after) != 2 or not isinstance(after[1], int) or isinstance(after[1], bool)
            or not 0 <= after[1] < 2**63):
        raise Invalid("cursor is not one this API handed out", field="cursor")
    return parse_time(after[0], "cursor"), after[1]


def csv_query(flt: AuditFilter) -> tuple[TextClause, dict[str, Any]]:
    """Every matching entry for a streamed CSV, the summary as JSON text."""
    q = text(f"""select at, actor, address, via, action, object_type, object_id, object_name,
                        summary::text as summary
                   from audit_log {WHERE} order by at desc, id desc""")
    return q, flt.params()


def export(conn: Connection, flt: AuditFilter) -> Result:
    return conn.execute(*csv_query(flt))


def describe(summary: dict[str, Any] | None, width: int = 160) -> str:
    """`interval_s: 30, password_hash: (changed)` for a table cell."""
    out = ", ".join(f"{key}: {value if _MARKER.fullmatch(str(value)) else _json(value)}"
                    for key, value in (summary or {}).items())
    return out if len(out) <= width else out[:width - 1] + "…"


_MARKER = re.compile(r"\((changed|set|removed)\)")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
