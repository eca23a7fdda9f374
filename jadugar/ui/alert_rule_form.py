"""The alert rule editor on /alerts: create a rule for a check, list rules, delete one after
confirmation. Reading needs alert_rules.read and writing alert_rules.write (the policy
table); the guard checks them before each callback, and the form shows only to writers."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, html

from jadugar import db, policy
from jadugar.errors import Invalid, JadugarError
from jadugar.services import alert_rules, check_list
from jadugar.ui import alert_labels as labels
from jadugar.ui.forms import (
    clear_errors_on_change,
    error_outputs,
    errors,
    field,
    form_error,
    number,
    whole,
)
from jadugar.ui.settings_section import alert, confirm_modal

P = "rules"
FIELDS = ["check_id", "kind", "threshold", "recover_threshold", "window_s", "for_s",
          "severity", "repeat_s", "max_reminders", "group_by"]


def _checks() -> list[dict]:
    with db.connection() as conn:
        return check_list.choices(conn)


def rule_editor() -> html.Div | None:
    """The rules list for those who may read rules, with the form for those who may write."""
    who = policy.current_principal()
    if not policy.allowed(who, "alert_rules.read"):
        return None
    parts: list = [dcc.Store(id=f"{P}-changed", data=0), dcc.Store(id=f"{P}-pending"),
                   confirm_modal(P, "Delete"), html.Div(id=f"{P}-message")]
    if policy.allowed(who, "alert_rules.write"):
        parts.append(_form())
    return html.Div([html.H4("Alert rules", className="mt-4"), *parts,
                     html.Div(id=f"{P}-table")])


def _form() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        dbc.Row([
            field(P, "check_id", "Check", dcc.Dropdown(id=f"{P}-check_id",
                                                       options=_checks()), 4),
            field(P, "kind", "Kind", dcc.Dropdown(
                id=f"{P}-kind", options=labels.kind_options(alert_rules.MONITORING_KINDS),
                value="consecutive_failures", clearable=False), 3),
            field(P, "threshold", "Threshold", dbc.Input(id=f"{P}-threshold",
                                                         type="number"), 2),
            field(P, "recover_threshold", "Recover at",
                  dbc.Input(id=f"{P}-recover_threshold", type="number"), 2),
            field(P, "window_s", "Window (s)", dbc.Input(id=f"{P}-window_s",
                                                         type="number"), 2),
            field(P, "for_s", "For (s)", dbc.Input(id=f"{P}-for_s", type="number",
                                                   value=0), 2),
            field(P, "severity", "Severity", dcc.Dropdown(
                id=f"{P}-severity", options=list(alert_rules.SEVERITIES),
                value="critical", clearable=False), 2),
            field(P, "repeat_s", "Repeat (s)", dbc.Input(id=f"{P}-repeat_s",
                                                         type="number", value=3600), 2),
            # Defaults as the table has them (migration 0013): 3 reminders, by application.
            field(P, "max_reminders", "Reminders at most", dbc.Input(
                id=f"{P}-max_reminders", type="number", value=3), 2),
            field(P, "group_by", "Group by", dcc.Dropdown(
                id=f"{P}-group_by", options=list(alert_rules.GROUP_BY), value="application",
                clearable=False), 2),
        ], className="g-2"),
        dbc.Button("Add rule", id=f"{P}-save", color="primary", size="sm",
                   className="mt-2"),
        form_error(P),
    ]), className="mb-3 shadow-sm")


clear_errors_on_change(P, FIELDS)


@dash.callback(Output(f"{P}-changed", "data", allow_duplicate=True),
               Output(f"{P}-message", "children", allow_duplicate=True),
               *error_outputs(P, FIELDS), Input(f"{P}-save", "n_clicks"),
               *[State(f"{P}-{f}", "value") for f in FIELDS], State(f"{P}-changed", "data"),
               prevent_initial_call=True)
def save(_n, check_id, kind, threshold, recover, window_s, for_s, severity, repeat_s,
         max_reminders, group_by, changed):
    try:
        data = {"check_id": whole(check_id, "check_id"), "kind": kind,
                "threshold": number(threshold, "threshold"),
                "recover_threshold": number(recover, "recover_threshold"),
                "window_s": whole(window_s, "window_s"), "for_s": whole(for_s, "for_s"),
                "severity": severity, "repeat_s": whole(repeat_s, "repeat_s"),
                "max_reminders": whole(max_reminders, "max_reminders"), "group_by": group_by}
        if data["check_id"] is None:
            raise Invalid("choose the check this rule watches", field="check_id")
        with db.transaction() as conn:
            alert_rules.create_rule(conn, {k: v for k, v in data.items() if v is not None},
                                    policy.current_actor())
            name = _rule_name(conn, data["check_id"], kind)
    except JadugarError as err:
        return dash.no_update, dash.no_update, *errors(FIELDS, err)
    return (changed or 0) + 1, alert(f"Added rule {name}.", "success"), *errors(FIELDS, None)


def _rule_name(conn, check_id: int | None, kind: str) -> str:
    """'consecutive failures on shop / health': what the confirmations call a rule."""
    checks = {c["value"]: c["label"] for c in check_list.choices(conn)}
    on = checks.get(check_id, "all checks") if check_id else "all checks"
    return f"{labels.kind_label(kind)} on {on}"


@dash.callback(Output(f"{P}-table", "children"), Input(f"{P}-changed", "data"))
def show(_changed):
    with db.connection() as conn:
        rows = alert_rules.list_rules(conn)
        names = {c["value"]: c["label"].split(" / ", 1)[-1] for c in check_list.choices(conn)}
    writer = policy.allowed(policy.current_principal(), "alert_rules.write")
    body = [html.Tr([html.Td(r.application or f"project {r.project}"),
                     html.Td(names.get(r.check_id, r.check_id) if r.check_id
                             else ("" if r.project else "all checks")),
                     html.Td(labels.kind_label(r.kind), title=r.kind),
                     html.Td("" if r.threshold is None else f"{r.threshold:g}"),
                     html.Td(r.severity), html.Td(_reminders(r)), html.Td(r.group_by),
                     html.Td("yes" if r.enabled else "no"),
                     html.Td(_delete_button(r.id) if writer else "")],
                    **{"data-rule": r.id}) for r in rows]
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
        "Application", "Check", "Kind", "Threshold", "Severity", "Reminders", "Grouped by",
        "Enabled", "")])),
        html.Tbody(body)], size="sm", hover=True, responsive=True, id=f"{P}-list")


def _reminders(rule: Any) -> str:
    """'every 3600s, at most 3'; 'none' when either number turns reminders off."""
    if not rule.repeat_s or not rule.max_reminders:
        return "none"
    return f"every {rule.repeat_s}s, at most {rule.max_reminders}"


def _delete_button(rule_id: int) -> dbc.Button:
    return dbc.Button("Delete", id={"type": f"{P}-delete", "id": rule_id}, size="sm",
                      color="danger", outline=True)


@dash.callback(Output(f"{P}-pending", "data"), Output(f"{P}-confirm", "is_open"),
               Output(f"{P}-confirm-body", "children"),
               Input({"type": f"{P}-delete", "id": ALL}, "n_clicks"),
               prevent_initial_call=True)
def ask(_clicks):
    if not ctx.triggered_id or not any(t["value"] for t in ctx.triggered):
        return dash.no_update, False, dash.no_update
    rule_id = ctx.triggered_id["id"]
    with db.connection() as conn:
        rule = next((r for r in alert_rules.list_rules(conn) if r.id == rule_id), None)
        name = _rule_name(conn, rule.check_id, rule.kind) if rule else f"#{rule_id}"
    return rule_id, True, f"Delete alert rule “{name}”? This cannot be undone."


dash.clientside_callback(ClientsideFunction("jadugarSettings", "closeModal"),
                         Output(f"{P}-confirm", "is_open", allow_duplicate=True),
                         Input(f"{P}-confirm-cancel", "n_clicks"), prevent_initial_call=True)


@dash.callback(Output(f"{P}-changed", "data", allow_duplicate=True),
               Output(f"{P}-message", "children", allow_duplicate=True),
               Output(f"{P}-confirm", "is_open", allow_duplicate=True),
               Input(f"{P}-confirm-ok", "n_clicks"), State(f"{P}-pending", "data"),
               State(f"{P}-changed", "data"), prevent_initial_call=True)
def delete(_n, rule_id, changed):
    if not _n:
        return dash.no_update, dash.no_update, False
    try:
        with db.transaction() as conn:
            alert_rules.delete_rule(conn, int(rule_id), policy.current_actor())
    except (JadugarError, TypeError, ValueError) as err:
        return (dash.no_update,
                alert(getattr(err, "message", "could not delete the rule"), "danger"), False)
    return (changed or 0) + 1, alert("Rule deleted.", "success"), False
