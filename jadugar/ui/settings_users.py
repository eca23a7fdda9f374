"""Settings → Users and roles: add a user (a generated password when none is typed, shown
once), change a role, deactivate or reactivate, reset a password. Admin only (users.read and
users.write in the policy table, checked by the guard before every callback); anything that
takes access away asks first, in a modal naming the user."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc
from dash.exceptions import PreventUpdate
from sqlalchemy import Connection

from jadugar import auth, db, policy
from jadugar.errors import Invalid, JadugarError
from jadugar.services import users
from jadugar.ui.settings_section import Section, alert, confirm_modal, shown_once
from jadugar.ui.settings_time import when

P = "set-users"
ACTS = ("role", "deactivate", "reactivate", "reset")


def _create(conn: Connection, v: dict, _actor: str) -> tuple[auth.User, str | None]:
    typed = v["password"] or ""
    password = typed or auth.generate_password()
    return auth.create_user(conn, v["username"], v["role"], password), None if typed else password


def _created(made: tuple[auth.User, str | None]) -> Any:
    user, generated = made
    if generated is None:
        return alert(f"Created {user.username} ({user.role}).", "success")
    return shown_once(f"Created {user.username} ({user.role}). Their password:", generated,
                      f"{P}-secret")


def _rows(conn: Connection) -> tuple[list[str], list]:
    rows = []
    for u in users.list_users(conn):
        key = str(u.id)
        role = dbc.Select(id={"type": f"{P}-role", "key": key}, options=list(auth.ROLES),
                          value=u.role, size="sm", style={"width": "8rem"})
        toggle = ("deactivate", "Deactivate", "warning") if u.active else \
                 ("reactivate", "Reactivate", "success")
        buttons = [dbc.Button(label, id={"type": f"{P}-do", "act": act, "key": key},
                              size="sm", color=color, outline=True, className="me-1")
                   for act, label, color in (toggle, ("reset", "Reset password", "danger"))]
        rows.append((u.id, [u.username, role, "yes" if u.active else "no",
                            when(u.last_login_at, empty="never"), buttons]))
    return ["User", "Role", "Active", "Last login", ""], rows


def _question(conn: Connection, intent: dict) -> str | None:
    """What to ask before `intent`, or None when it needs no confirmation (or is a no-op)."""
    user = users.get_user(conn, int(intent["key"]))
    if intent["act"] == "role":
        if intent["value"] == user.role:
            return None  # the list re-rendered with the current role: nothing changed
        return f"Make {user.username} {intent['value']}?"
    if intent["act"] == "deactivate":
        return f"Deactivate {user.username}? They are signed out and cannot sign in."
    if intent["act"] == "reset":
        return (f"Reset {user.username}'s password? The old one stops working; the new one "
                "is shown once.")
    return None


def _apply(intent: Any) -> Any:
    """Carry out an intent from the browser, re-checking everything it says."""
    if not isinstance(intent, dict) or intent.get("act") not in ACTS:
        raise Invalid("unknown user action", field="act")
    try:
        user_id = int(intent["key"])
    except (KeyError, TypeError, ValueError):
        raise Invalid("unknown user", field="id") from None
    with db.transaction() as conn:
        name = users.get_user(conn, user_id).username
        if intent["act"] == "role":
            users.set_role(conn, user_id, intent.get("value"))
            return alert(f"{name} is now {intent.get('value')}.", "success")
        if intent["act"] == "reset":
            return shown_once(f"New password for {name}:", users.reset_password(conn, user_id),
                              f"{P}-secret")
        users.set_active(conn, user_id, intent["act"] == "reactivate")
    return alert(f"{name} {intent['act']}d by {policy.current_actor()}.", "success")


def _more() -> list:
    return [dcc.Store(id=f"{P}-intent"), confirm_modal(P, "Confirm", "ask", "Are you sure?")]


@dash.callback(Output(f"{P}-intent", "data"), Output(f"{P}-ask-body", "children"),
               Output(f"{P}-ask", "is_open"),
               Output(f"{P}-message", "children", allow_duplicate=True),
               Output(f"{P}-changed", "data", allow_duplicate=True),
               Input({"type": f"{P}-role", "key": ALL}, "value"),
               Input({"type": f"{P}-do", "act": ALL, "key": ALL}, "n_clicks"),
               State(f"{P}-changed", "data"), prevent_initial_call=True)
def ask(_roles, _clicks, changed):
    trig = ctx.triggered_id
    if not trig or not any(t["value"] for t in ctx.triggered):
        raise PreventUpdate
    intent = {"act": trig.get("act", "role"), "key": trig["key"],
              "value": ctx.triggered[0]["value"] if trig["type"] == f"{P}-role" else None}
    try:
        with db.connection() as conn:
            question = _question(conn, intent)
        if question:
            return intent, question, True, None, dash.no_update
        if intent["act"] != "reactivate":
            raise PreventUpdate
        return None, dash.no_update, False, _apply(intent), (changed or 0) + 1
    except (JadugarError, ValueError) as err:
        # Re-render so a refused role change does not stay selected in the list.
        return (None, dash.no_update, False,
                alert(getattr(err, "message", str(err)), "danger"), (changed or 0) + 1)


@dash.callback(Output(f"{P}-message", "children", allow_duplicate=True),
               Output(f"{P}-changed", "data", allow_duplicate=True),
               Output(f"{P}-ask", "is_open", allow_duplicate=True),
               Input(f"{P}-ask-ok", "n_clicks"), State(f"{P}-intent", "data"),
               State(f"{P}-changed", "data"), prevent_initial_call=True)
def confirmed(_n, intent, changed):
    if not _n:
        raise PreventUpdate
    try:
        note = _apply(intent)
    except JadugarError as err:
        note = alert(err.message, "danger")
    return note, (changed or 0) + 1, False


@dash.callback(Output(f"{P}-changed", "data", allow_duplicate=True),
               Output(f"{P}-ask", "is_open", allow_duplicate=True),
               Input(f"{P}-ask-cancel", "n_clicks"), State(f"{P}-changed", "data"),
               prevent_initial_call=True)
def cancelled(_n, changed):
    if not _n:
        raise PreventUpdate
    return (changed or 0) + 1, False  # put back the role a cancelled change had selected


USERS = Section(
    P, "Users and roles",
    [("username", "Username", lambda i: dbc.Input(id=i, size="sm", placeholder="dana"), 3),
     ("role", "Role", lambda i: dcc.Dropdown(id=i, options=list(auth.ROLES), value="viewer",
                                             clearable=False), 2),
     ("password", "Password (empty: generate one)",
      lambda i: dbc.Input(id=i, type="password", size="sm", autocomplete="new-password"), 3)],
    _create, _rows, note=_created, reset=("username", "password"),
    save_label="Add user", more=_more,
    help="Roles: viewer reads, editor also writes, admin also manages settings, users and "
         "tokens. There is always one active admin left: the last one cannot be demoted or "
         "deactivated. Users are deactivated, never deleted, so their history stays.")
