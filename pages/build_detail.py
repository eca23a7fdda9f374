"""/builds/<slug>/<build_id> — one build: its stages as a timeline (Gantt), its status
history, and a form to cancel or re-mark it by hand with a reason."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from jadugar import db, policy
from jadugar.errors import JadugarError
from jadugar.services import build_reads, builds
from jadugar.timeutil import parse_time
from jadugar.ui import build_forms as forms
from jadugar.ui import test_panels
from jadugar.ui.build_figures import gantt_figure
from jadugar.ui.clock import TZ, local_time
from jadugar.ui.components import minutes, status_badge

dash.register_page(__name__, path_template="/builds/<slug>/<build_id>",
                   title="Build · Jadugar")

P = "builds-detail"
F = f"{P}-mark"
FIELDS = ("status", "reason")


def _load(build_id: str) -> dict:
    if not str(build_id).isdigit():
        raise JadugarError(f"no build {build_id}", status=404)
    with db.read_connection() as conn:
        return build_reads.get_build(conn, int(build_id))


def _history(updates: list[dict], tz: str | None) -> dbc.Table:
    rows = [html.Tr([html.Td(local_time(parse_time(u["ts"], "ts"), tz, "%Y-%m-%d %H:%M:%S")),
                     html.Td(u["source"]),
                     html.Td(f"{u['old_status'] or '·'} → {u['new_status'] or '·'}"),
                     html.Td("" if u["new_progress"] is None else f"{u['new_progress']}%"),
                     html.Td(u["message"] or ""), html.Td(u["author"] or "")])
            for u in updates]
    head = html.Thead(html.Tr([html.Th(h) for h in ("Time", "Source", "Status",
                                                   "Progress", "Message", "By")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", id=f"{P}-history")


def _summary(b: dict) -> html.Div:
    bits = [b["branch"], (b["commit_sha"] or "")[:8] or None, b["pipeline"], b["kind"],
            b["environment"],
            None if b["duration_s"] is None else minutes(b["duration_s"])]
    return html.Div([
        html.H3([f"{b['project']} #{b['number'] or b['id']} ", status_badge(b["status"])]),
        html.P(" · ".join(x for x in bits if x), className="text-body-secondary"),
        dbc.Progress(id={"type": "builds-progress", "build": b["id"]},
                     value=b["progress"] or 0, label=f"{b['progress'] or 0}%",
                     className="mb-3") if b["status"] in ("queued", "running") else None,
        html.A("Open in CI", href=b["url"], target="_blank") if b["url"] else None,
    ])


def _mark_form(b: dict) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H6("Cancel or re-mark by hand"),
        forms.field(F, "status", "New status", dbc.Select(
            id=f"{F}-status", value="cancelled",
            options=[{"label": s, "value": s} for s in builds.FINISHED])),
        forms.field(F, "reason", "Reason", dbc.Input(id=f"{F}-reason")),
        dbc.Button("Apply", id=f"{F}-save", color="warning", size="sm"),
        forms.alert_slot(F),
    ]), className="mb-3")


def layout(slug: str = "", build_id: str = "", **_query):
    try:
        b = _load(build_id)
    except JadugarError as err:
        return dbc.Alert(err.message, color="warning")
    return html.Div([
        dcc.Store(id=f"{P}-id", data=b["id"]),
        html.A(f"← {b['project']}", href=f"/builds/{b['project']}"),
        _summary(b),
        dbc.Row([
            dbc.Col(dbc.Card([dbc.CardHeader("Stages"), dbc.CardBody(dcc.Loading(dcc.Graph(
                id=f"{P}-gantt", figure=gantt_figure(b["stages"]),
                config={"displaylogo": False})))], className="mb-3"), lg=8),
            dbc.Col(_mark_form(b), lg=4)
            if policy.allowed(policy.current_principal(), "builds.write") else None,
        ]),
        test_panels.build_tests_live(b["id"]),
        html.H5("Status history"),
        html.Div(_history(b["status_updates"], None), id=f"{P}-history-box"),
    ])


@callback(*forms.outputs(F, FIELDS, ("reason",)), Output(f"{P}-history-box", "children"),
          Input(f"{F}-save", "n_clicks"), State(f"{F}-status", "value"),
          State(f"{F}-reason", "value"), State(f"{P}-id", "data"), State(TZ, "data"),
          prevent_initial_call=True)
def mark_build(_n, status, reason, build_id, tz):
    out = forms.submit(FIELDS, ("reason",), lambda conn: builds.mark(
        conn, int(build_id), status, reason, author=policy.current_actor()), "Saved.")
    return [*out, _history(_load(str(build_id))["status_updates"], tz)]


@callback(Output(f"{P}-history-box", "children", allow_duplicate=True), Input(TZ, "data"),
          State(f"{P}-id", "data"), prevent_initial_call="initial_duplicate")
def localise_history(tz, build_id):
    """Redraw the history in the browser's time zone once the shell knows it."""
    return _history(_load(str(build_id))["status_updates"], tz)
