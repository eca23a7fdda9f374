"""/builds/<slug>/<build_id> — one build: its stages as a timeline (Gantt), its status
history, banners for an abnormal duration or a deploy's impact, and a form to cancel or
re-mark it by hand with a reason."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from jadugar import db, policy
from jadugar.errors import JadugarError
from jadugar.services import build_reads, builds
from jadugar.timeutil import parse_time
from jadugar.ui import build_forms as forms
from jadugar.ui import not_found, test_panels
from jadugar.ui.build_banners import banners
from jadugar.ui.build_figures import gantt_figure
from jadugar.ui.clock import TZ, local_time
from jadugar.ui.components import minutes, status_badge
from jadugar.ui.live import follow, follow_components

dash.register_page(__name__, path_template="/builds/<slug>/<build_id>",
                   title=lambda slug="", build_id="", **_: f"{slug} build {build_id} · Jadugar")

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
    return dbc.Table([head, html.Tbody(rows)], size="sm", responsive=True,
                     id=f"{P}-history")


def _summary(b: dict) -> html.Div:
    bits = [b["branch"], (b["commit_sha"] or "")[:8] or None, b["pipeline"], b["kind"],
            b["environment"],
            None if b["duration_s"] is None else minutes(b["duration_s"])]
    return html.Div([
        html.H3([f"{b['project']} #{b['number'] or b['id']} ", status_badge(b["status"])]),
        html.P(" · ".join(x for x in bits if x), className="text-body-secondary mb-1"),
        _origin(b),
        _commit_message(b["message"]),
        dbc.Progress(id={"type": "builds-progress", "build": b["id"]},
                     value=b["progress"] or 0, label=f"{b['progress'] or 0}%",
                     className="mb-3") if b["status"] in ("queued", "running") else None,
    ], className="mb-2")


def _origin(b: dict) -> html.P:
    """What started the build and who reported it, with the way back to the CI run."""
    author = next((u["author"] for u in b["status_updates"] if u.get("author")), None)
    parts: list = []
    if b.get("trigger"):
        parts.append(html.Span(["Triggered by ", html.B(b["trigger"])], id=f"{P}-trigger"))
    if author:
        parts.append(html.Span([" by " if parts else "By ", html.B(author)],
                               id=f"{P}-author"))
    if b.get("url"):
        parts.append(html.A([html.I(className="bi bi-box-arrow-up-right me-1"),
                             "Open the CI run"], href=b["url"], target="_blank",
                            rel="noopener noreferrer", id=f"{P}-ci-link",
                            className="ms-3" if parts else None))
    return html.P(parts, className="small mb-2")


def _commit_message(message: str | None) -> html.Div | None:
    """The commit message: its first line as a title, the rest below it."""
    if not message:
        return None
    first, _, rest = message.strip().partition("\n")
    return html.Div([html.Div(first, className="fw-semibold"),
                     html.Pre(rest.strip(), className="small mb-0 text-wrap")
                     if rest.strip() else None],
                    id=f"{P}-commit-message",
                    className="border-start border-3 ps-2 mb-3 text-body-secondary")


def _mark_form(b: dict) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H6("Cancel or re-mark by hand"),
        forms.field(F, "status", "New status", dbc.Select(
            id=f"{F}-status", placeholder="Choose a status…",
            options=[{"label": s, "value": s} for s in builds.FINISHED])),
        forms.field(F, "reason", "Reason", dbc.Input(id=f"{F}-reason")),
        dbc.Button("Apply", id=f"{F}-save", color="warning", size="sm"),
        forms.alert_slot(F),
    ]), className="mb-3")


def layout(slug: str = "", build_id: str = "", **_query):
    try:
        b = _load(build_id)
    except JadugarError as err:
        if err.status != 404:
            return dbc.Alert(err.message, color="warning")
        return not_found.page("Build not found", f"{slug} has no build {build_id}.",
                              f"/builds/{slug}", not_found.WayBack(f"/builds/{slug}", slug))
    return html.Div([
        dcc.Store(id=f"{P}-id", data=b["id"]),
        follow_components(P, 1000, b["project"]),
        html.A(f"← {b['project']}", href=f"/builds/{b['project']}"),
        html.Div(_summary(b), id=f"{P}-summary"),
        html.Div(banners(b), id=f"{P}-banners"),
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


# Builds, stage milestones and status updates of this build's project (the shell joined its
# room) redraw the badge, stages and history, at most once a second.
follow(P, ("build", "milestone", "status_update"), key="project")


@callback(Output(f"{P}-summary", "children"), Output(f"{P}-banners", "children"),
          Output(f"{P}-gantt", "figure"),
          Output(f"{P}-history-box", "children", allow_duplicate=True),
          Input(f"{P}-refresh", "data"), State(f"{P}-id", "data"), State(TZ, "data"),
          prevent_initial_call=True)
def follow_build(_refresh, build_id, tz):
    b = _load(str(build_id))
    return (_summary(b), banners(b), gantt_figure(b["stages"]),
            _history(b["status_updates"], tz))


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
