"""Settings → Audit log (admins): the latest changes to settings, checks, rules, users,
tokens and secrets, who made them, from where and when. Read-only: the database writes the
log itself (migration 0007). The full, filterable log is /api/v1/audit, and its CSV is one
click away."""

from __future__ import annotations

from typing import Any

from dash import html
from sqlalchemy import Connection

from jadugar.services import audit
from jadugar.ui.settings_section import Section

SHOWN = 200  # the latest entries; older ones through the API or the CSV


def _what(r: Any) -> str:
    name = f" {r.object_name}" if r.object_name else ""
    return f"{r.action} {r.object_type.replace('_', ' ')}{name} (#{r.object_id})"


def _rows(conn: Connection) -> tuple[list[str], list]:
    rows = audit.list_entries(conn, audit.AuditFilter(), SHOWN)[:SHOWN]
    return (["When (UTC)", "Who", "From", "Via", "What", "Changes"],
            [(r.id, [f"{r.at:%Y-%m-%d %H:%M:%S}", r.actor or "system", r.address or "",
                     r.via, _what(r), html.Small(audit.describe(r.summary))])
             for r in rows])


def _download() -> list:
    return [html.P([f"The latest {SHOWN} changes. ",
                    html.A("Download the whole log as CSV", href="/api/v1/audit.csv",
                           id="set-audit-csv", target="_blank"),
                    "; filter it through GET /api/v1/audit (since, until, actor, "
                    "object_type)."], className="small")]


AUDIT = Section(
    "set-audit", "Audit log", [], None, _rows,
    help="Every change to applications, checks, alert rules, maintenance windows, "
         "notification targets, status pages, projects, users and API tokens. Secrets are "
         "recorded as (changed), never their value.", more=_download)
