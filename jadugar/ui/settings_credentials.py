"""Settings → API tokens and Settings → Projects (per-project webhook secrets). Both hold
credentials the server keeps unreadable or private: a token's secret is shown once when it
is made, and webhook secrets are only ever written, shown back as "set" or "not set"."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc
from flask_login import current_user
from sqlalchemy import Connection

from jadugar import auth, db
from jadugar.errors import Invalid
from jadugar.services import projects
from jadugar.services.webhooks import CISource
from jadugar.services.webhooks import registry as ci_sources
from jadugar.ui.settings_section import Section, alert, shown_once
from jadugar.ui.settings_time import when

MAX_PROJECTS = 1000  # the picker and list are for people, not for bulk-created projects


def _create_token(conn: Connection, v: dict, _actor: str) -> tuple[str, str]:
    creator = current_user.id if getattr(current_user, "is_authenticated", False) else None
    _id, secret = auth.create_token(conn, v["name"], v["scope"], created_by=creator)
    return v["name"].strip(), secret


def _token_rows(conn: Connection) -> tuple[list[str], list]:
    return (["Name", "Prefix", "Scope", "Created", "Last used", "Revoked"],
            [(t["id"], [t["name"], t["prefix"], t["scope"], when(t["created_at"]),
                        when(t["last_used_at"], empty="never"), when(t["revoked_at"], empty="")])
             for t in auth.list_tokens(conn)])


TOKENS = Section(
    "set-tokens", "API tokens",
    [("name", "Name", lambda i: dbc.Input(id=i, size="sm", placeholder="ci-ingest"), 4),
     ("scope", "Scope", lambda i: dcc.Dropdown(id=i, options=list(auth.SCOPES), value="read",
                                               clearable=False), 2)],
    _create_token, _token_rows, lambda conn, key, _a: auth.revoke_token(conn, int(key)),
    note=lambda made: shown_once(f"Token {made[0]} created. Send it as "
                                 "Authorization: Bearer <token>:", made[1],
                                 "set-tokens-secret"),
    reset=("name",), save_label="Create token", delete_label="Revoke", noun="token",
    empty="No API tokens yet.",
    confirm="Revoke token “{name}”? Anything using it gets 401 from now on.", done="Revoked.",
    name_of=lambda conn, key: next((t["name"] for t in auth.list_tokens(conn)
                                    if str(t["id"]) == key), key),
    help="Scopes: read reads, ingest also posts builds and results, admin does everything. "
         "Only a hash of each token is stored, so its secret is shown once, when created.")


def _project_slugs(id_: str) -> dcc.Dropdown:
    with db.connection() as conn:
        slugs = [p.slug for p in projects.list_projects(conn, MAX_PROJECTS)]
    return dcc.Dropdown(id=id_, options=slugs, placeholder="project")


def _secret_input(id_: str) -> dbc.Input:
    # A password input so the secret is not on screen; it is emptied after saving.
    return dbc.Input(id=id_, type="password", size="sm", autocomplete="new-password",
                     placeholder="empty: leave as it is")


def _save_secrets(conn: Connection, v: dict, _actor: str) -> Any:
    if not v["project"]:
        raise Invalid("choose the project", field="project")
    sources = ci_sources.with_project_secret()
    body = {s.secret_field: v[s.secret_field] for s in sources if v.get(s.secret_field)}
    if not body:
        names = " or a ".join(f"{s.title} {s.secret_name}" for s in sources)
        raise Invalid(f"type a {names} (use Clear to remove them)",
                      field=sources[0].secret_field)
    projects.set_webhook_secrets(conn, v["project"], body)
    return v["project"]


def _clear_secrets(conn: Connection, key: str, _actor: str) -> Any:
    return projects.set_webhook_secrets(conn, key, dict.fromkeys(projects.secret_fields()))


def _project_rows(conn: Connection) -> tuple[list[str], list]:
    def state(is_set: bool) -> dbc.Badge:
        return dbc.Badge("set" if is_set else "not set",
                         color="success" if is_set else "secondary")

    names = [f"{s.title} {s.secret_name}" for s in ci_sources.with_project_secret()]
    return (["Project", "Repository", *names],
            [(r.slug, [r.slug, r.repository or "",
                       *(state(is_set) for is_set in projects.secret_flags(r).values())])
             for r in projects.list_projects(conn, MAX_PROJECTS)[:MAX_PROJECTS]])


def projects_section(sources: list[CISource]) -> Section:
    """One secret input per CI source that lets a project have its own (registry order),
    so a plug-in source's secret is set here with no change to this module."""
    fallbacks = " / ".join(s.setting for s in sources if s.setting)
    return Section(
        "set-projects", "Projects",
        [("project", "Project", _project_slugs, 3),
         *((s.secret_field, s.secret_label, _secret_input, 4) for s in sources)],
        _save_secrets, _project_rows, _clear_secrets, noun="project",
        note=lambda slug: alert(f"Saved the webhook secrets of {slug}.", "success"),
        reset=tuple(s.secret_field for s in sources), save_label="Save secrets",
        delete_label="Clear secrets", done="Secrets cleared.",
        confirm="Clear the webhook secrets of project “{name}”? Its deliveries are then "
                "checked "
                "against " + (f"{fallbacks}, or refused." if fallbacks else "nothing: refused."),
        help="Per-project webhook secrets override the global ones for that repository. "
             "They are stored encrypted and never shown again, only whether one is set.")


PROJECTS = projects_section(ci_sources.with_project_secret())
