"""Settings → Checks: one form whose fields follow the check type (settings_check_form.GROUPS),
used both to add a check and to edit one. Every field stays in the page and hidden groups are
ignored when saving, so the save callback always has the same inputs whatever the type."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from flask import request

from jadugar import db, policy
from jadugar.errors import Invalid, JadugarError
from jadugar.services import applications, check_list, check_trial, checks
from jadugar.services.check_fields import check_types
from jadugar.ui import settings_check_form as form
from jadugar.ui import trial_view
from jadugar.ui.chart_format import every
from jadugar.ui.components import status_badge
from jadugar.ui.forms import (
    clear_errors_on_change,
    error_outputs,
    errors,
    field,
    form_error,
    whole,
)
from jadugar.ui.ping_note import ping_note
from jadugar.ui.settings_section import Section, alert, shown_once

P = "set-checks"
HIDDEN = "g-2 d-none"
SHOWN = "g-2"


def _in(name: str, placeholder: str = "", type_: str = "text", value: Any = None) -> dbc.Input:
    return dbc.Input(id=f"{P}-{name}", placeholder=placeholder, type=type_, size="sm",
                     value=value)


def _pick(name: str, options: Any, value: Any = None, clearable: bool = False) -> dcc.Dropdown:
    return dcc.Dropdown(id=f"{P}-{name}", options=options, value=value, clearable=clearable)


def _apps() -> list[str]:
    with db.connection() as conn:
        return applications.slugs(conn)


def _groups() -> list[dbc.Row]:
    """One row of fields per group, from the check-type registry; the type callback shows
    the row(s) the type takes."""
    return form.group_rows(P)


def _form() -> list:
    label, placeholder = form.TARGETS["http"]
    target = dbc.Col([dbc.Label(label, id=f"{P}-target-label", html_for=f"{P}-target",
                                className="small mb-0"),
                      _in("target", placeholder),
                      html.Div(id=f"{P}-target-error", className="invalid-feedback d-block")],
                     id=f"{P}-target-col", xs=12, md=5)
    return [dcc.Store(id=f"{P}-editing"), dbc.Card(dbc.CardBody([
        dbc.Row([field(P, "application", "Application", _pick("application", _apps(),
                                                              clearable=True), 3),
                 field(P, "name", "Name", _in("name", "health"), 2),
                 field(P, "type", "Type", _pick("type", check_types(), "http"), 2),
                 target], className="g-2"),
        dbc.Row([field(P, "interval_s", "Every (s)", _in("interval_s", type_="number",
                                                          value=60), 2),
                 field(P, "timeout_s", "Timeout (s)", _in("timeout_s", "10", "number"), 2)],
                className="g-2"),
        *_groups(),
        dbc.Row(field(P, "conditions", "Conditions (one a line; degraded: … degrades)",
                      dbc.Textarea(id=f"{P}-conditions", size="sm", rows=3,
                                   placeholder="[STATUS] == 200\n[BODY].data.ok == true\n"
                                               "degraded: [RESPONSE_TIME] < 300"), 12),
                id=f"{P}-conditions-row", className=SHOWN),
        dbc.Button("Add", id=f"{P}-save", size="sm", color="primary", className="mt-2 me-2"),
        dbc.Button("Cancel edit", id=f"{P}-cancel", size="sm", color="secondary",
                   outline=True, className="mt-2 d-none"),
        dbc.Button("Try it", id=f"{P}-try", size="sm", color="secondary", outline=True,
                   className="mt-2 ms-2"),
        form_error(P),
        dcc.Loading(html.Div(id=f"{P}-try-result", className="mt-2"), type="dot")]),
        className="mb-3 shadow-sm")]


def _edit_button(check_id: int, writer: bool) -> Any:
    if not writer:
        return ""
    return dbc.Button("Edit", id={"type": f"{P}-edit", "key": str(check_id)}, size="sm",
                      color="secondary", outline=True)


def _check_rows(conn) -> tuple[list[str], list]:
    rows = check_list.all_checks(conn)
    writer = policy.allowed(policy.current_principal(), "checks.write")
    return (["Application", "Check", "Type", "Every", "Status", ""],
            [(r.id, [r.application, r.name, r.type, every(r.interval_s), status_badge(r.status),
                     _edit_button(r.id, writer)]) for r in rows])


def _save(v: dict[str, Any], editing: Any) -> Any:
    """Create, or update the check being edited; returns the note to show. (The guard has
    checked checks.write before this callback ran.)"""
    actor = policy.current_actor()
    with db.transaction() as conn:
        if editing is not None:
            current = checks.get_check(conn, whole(editing, "id") or 0)
            checks.update_check(conn, current.id, form.to_check(v, current), actor)
            return alert(f"Saved {current.name}.", "success")
        if not v["application"]:
            raise Invalid("choose the application", field="application")
        row = checks.create_check(conn, v["application"], form.to_check(v), actor)
    ping = checks.to_dict(row)["ping_url"]
    if ping:
        # The heartbeat's token is its only credential; the list never shows it.
        return shown_once(f"Created {row.name}. Its ping URL (POST or GET):",
                          request.host_url.rstrip("/") + ping, f"{P}-ping-url")
    return alert(f"Created {row.name}.", "success")


NAMES = form.NAMES
EDITING = [Output(f"{P}-editing", "data", allow_duplicate=True),
           Output(f"{P}-save", "children", allow_duplicate=True),
           Output(f"{P}-cancel", "className", allow_duplicate=True),
           Output(f"{P}-type", "disabled", allow_duplicate=True),
           Output(f"{P}-application", "disabled", allow_duplicate=True)]
NOT_EDITING = (None, "Add", "mt-2 d-none", False, False)
clear_errors_on_change(P, NAMES)


@dash.callback(*[Output(f"{P}-group-{g}", "className") for g in form.GROUPS],
               Output(f"{P}-conditions-row", "className"),
               Output(f"{P}-target-col", "className"), Output(f"{P}-target-label", "children"),
               Output(f"{P}-target", "placeholder"), Input(f"{P}-type", "value"))
def follow_type(kind):
    shown = form.TYPE_GROUPS.get(kind)
    label, placeholder = form.TARGETS.get(kind, ("Target", ""))
    probed = form.has_target(kind)  # conditions judge a probe's result: none for heartbeats
    return (*[SHOWN if g == shown else HIDDEN for g in form.GROUPS],
            SHOWN if probed else HIDDEN, "" if probed else "d-none", label, placeholder)


@dash.callback(Output(f"{P}-changed", "data", allow_duplicate=True),
               Output(f"{P}-message", "children", allow_duplicate=True),
               *EDITING, *error_outputs(P, NAMES), Input(f"{P}-save", "n_clicks"),
               *[State(f"{P}-{n}", "value") for n in NAMES], State(f"{P}-editing", "data"),
               State(f"{P}-changed", "data"), prevent_initial_call=True)
def save(_n, *values):
    *inputs, editing, changed = values
    try:
        note = _save(dict(zip(NAMES, inputs, strict=True)), editing)
    except JadugarError as err:
        return (dash.no_update,) * 7 + tuple(errors(NAMES, err, form.ALIASES))
    return ((changed or 0) + 1, note, *NOT_EDITING, *errors(NAMES, None))


@dash.callback(*[Output(f"{P}-{n}", "value", allow_duplicate=True) for n in NAMES],
               *EDITING, Output(f"{P}-message", "children", allow_duplicate=True),
               Input({"type": f"{P}-edit", "key": ALL}, "n_clicks"),
               prevent_initial_call=True)
def edit(_clicks):
    if not ctx.triggered_id or not any(t["value"] for t in ctx.triggered):
        raise PreventUpdate
    try:
        # Targets and headers may hold passwords: only checks.write (checked by the
        # guard before this runs) sees them.
        with db.connection() as conn:
            row = checks.get_check(conn, int(ctx.triggered_id["key"]))
    except (JadugarError, ValueError) as err:
        return (*[dash.no_update] * (len(NAMES) + 5),
                alert(getattr(err, "message", str(err)), "danger"))
    values = form.to_form(row)
    return (*[values[n] for n in NAMES], row.id, f"Save {row.name}", "mt-2", True, True,
            _ping_note(row))


def _ping_note(row: Any) -> Any:
    return ping_note(checks.to_dict(row)["ping_url"], P)


@dash.callback(Output(f"{P}-try-result", "children"), Input(f"{P}-try", "n_clicks"),
               *[State(f"{P}-{n}", "value") for n in NAMES], State(f"{P}-editing", "data"),
               prevent_initial_call=True)
def try_it(_n, *values):
    """Run the check as the form stands, once, and show how it and its conditions fared.
    (The guard has checked checks.write: a probe run reaches out, and an edit's run uses
    the stored secrets.)"""
    *inputs, editing = values
    v = dict(zip(NAMES, inputs, strict=True))
    try:
        with db.connection() as conn:
            current = checks.get_check(conn, whole(editing, "id") or 0) if editing else None
            data = form.to_check(v, current)
            result = check_trial.try_check(conn, data, current.id if current else None)
    except JadugarError as err:
        return alert(f"{err.field + ': ' if err.field else ''}{err.message}", "danger")
    return trial_view.result(result)


@dash.callback(*EDITING, Input(f"{P}-cancel", "n_clicks"), prevent_initial_call=True)
def cancel(_n):
    return NOT_EDITING


CHECKS = Section(
    P, "Checks", [], None, _check_rows,
    lambda conn, key, actor: checks.delete_check(conn, int(key), actor), noun="check",
    name_of=lambda conn, key: checks.get_check(conn, int(key)).name,
    help="The fields follow the check type (each type declares its own, see README, Check "
         "types); heartbeat checks show their ping URL once created.",
    more=_form)
