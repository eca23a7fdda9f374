"""Panels of /builds/<slug> that write: milestones (burn-up, timeline, edit form, notes) and
the project's own settings, plus the data behind each chart's "Download CSV".

Writes go through the same service functions as the API, with source 'ui', inside one
transaction, once the guard has checked the form's action in the policy table."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy import Connection

from jadugar import db
from jadugar.policy import current_actor
from jadugar.services import build_series, delivery, milestones, status_updates
from jadugar.services import projects as project_svc
from jadugar.services.build_reads import BuildFilter
from jadugar.services.projects import get_project
from jadugar.ui import build_forms as forms
from jadugar.ui.build_figures import burnup_figure

P = "builds-project"
M = f"{P}-ms"      # milestone form
N = f"{P}-note"    # status-update note form
E = f"{P}-edit"    # project form
M_FIELDS = ("title", "due_on", "progress", "status", "note")
M_INPUTS = ("title", "note")
N_FIELDS = ("message", "target")
E_FIELDS = ("name", "description", "repository", "default_branch")


def milestones_panel(prefix: str, writable: bool = True) -> dbc.Card:
    form = html.Div([
        forms.field(M, "id", "Milestone", dcc.Dropdown(id=f"{M}-id", clearable=False,
                                                       value="new")),
        forms.field(M, "title", "Title", dbc.Input(id=f"{M}-title")),
        forms.field(M, "due_on", "Due", dcc.DatePickerSingle(id=f"{M}-due_on",
                                                            display_format="YYYY-MM-DD")),
        forms.field(M, "progress", "Progress", dcc.Slider(
            id=f"{M}-progress", min=0, max=100, step=5, value=0,
            marks={0: "0", 50: "50", 100: "100"}, tooltip={"placement": "bottom"})),
        forms.field(M, "status", "Status", dbc.Select(
            id=f"{M}-status", value="planned",
            options=[{"label": s, "value": s} for s in milestones.STATUSES])),
        forms.field(M, "note", "Note (optional)", dbc.Input(id=f"{M}-note")),
        dbc.Button("Save milestone", id=f"{M}-save", color="primary", size="sm"),
        forms.alert_slot(M),
    ])
    note = html.Div([
        forms.field(N, "target", "About", dcc.Dropdown(id=f"{N}-target", value="project",
                                                      clearable=False)),
        forms.field(N, "message", "Status update", dbc.Textarea(id=f"{N}-message", rows=2)),
        dbc.Button("Post", id=f"{N}-save", color="primary", size="sm"),
        forms.alert_slot(N),
    ])
    return dbc.Card([
        dbc.CardHeader(html.Div([
            html.Span("Milestones", className="fw-semibold me-auto"),
            dbc.Button([html.I(className="bi bi-download me-1"), "Download CSV"],
                       id={"type": "builds-csv", "chart": "milestones"}, size="sm",
                       color="secondary", outline=True)], className="d-flex")),
        dbc.CardBody(dbc.Row([
            dbc.Col(dcc.Loading(dcc.Graph(id=f"{P}-burnup", config={"displaylogo": False})),
                    lg=5),
            dbc.Col([html.H6("Timeline"), html.Div(id=f"{P}-timeline",
                                                   style={"maxHeight": 360,
                                                          "overflowY": "auto"})], lg=4),
            dbc.Col(dbc.Tabs([dbc.Tab(form, label="Milestone", tab_id="milestone",
                                      className="pt-2"),
                              dbc.Tab(note, label="Post update", tab_id="note",
                                      className="pt-2")],
                             active_tab="milestone", id=f"{P}-tabs"), lg=3,
                    className="" if writable else "d-none"),  # kept: charts fill its lists
        ])),
    ], className="mb-3 shadow-sm")


def project_form(prefix: str, project: Any) -> dbc.Card:
    values = {"name": project.name, "description": project.description,
              "repository": project.repository, "default_branch": project.default_branch}
    return dbc.Card(dbc.CardBody([
        html.H6("Project settings"),
        dbc.Row([dbc.Col(forms.field(E, n, n.replace("_", " ").capitalize(),
                                     dbc.Input(id=f"{E}-{n}", value=values[n])), md=3)
                 for n in E_FIELDS]),
        dbc.Button("Save project", id=f"{E}-save", size="sm", color="primary"),
        forms.alert_slot(E),
    ]), className="mb-3")


def _timeline(rows: list[Any]) -> html.Div:
    if not rows:
        return html.P("Nothing yet.", className="text-body-secondary")
    items = []
    for r in rows:
        change = ""
        if r.new_status and r.old_status != r.new_status:
            change = f"{r.old_status or '·'} → {r.new_status}"
        elif r.new_progress is not None and r.old_progress != r.new_progress:
            change = f"{r.old_progress or 0}% → {r.new_progress}%"
        about = (f"build #{r.build_number or r.build_id}" if r.build_id
                 else r.milestone_title or "project")
        items.append(dbc.ListGroupItem([
            html.Small(f"{r.ts:%Y-%m-%d %H:%M} · {r.source} · {about}",
                       className="text-body-secondary d-block"),
            html.Span(change, className="fw-semibold me-2"), html.Span(r.message or "")]))
    return dbc.ListGroup(items, flush=True)


@callback(Output(f"{P}-burnup", "figure"), Output(f"{P}-timeline", "children"),
          Output(f"{M}-id", "options"), Output(f"{N}-target", "options"),
          Input(f"{P}-written", "data"), Input(f"{P}-refresh", "data"),
          State(f"{P}-slug", "data"))
def draw_milestones(_written, _refresh, slug):
    with db.read_connection() as conn:
        project = get_project(conn, slug)
        df = build_series.milestone_progress(conn, project.id)
        rows = status_updates.timeline(conn, slug, limit=40)[:40]
    ms = df.drop_duplicates("id")[["id", "title"]].to_dict("records") if len(df) else []
    options = [{"label": "New milestone", "value": "new"}]
    options += [{"label": m["title"], "value": int(m["id"])} for m in ms]
    targets = [{"label": "The project", "value": "project"}]
    targets += [{"label": m["title"], "value": int(m["id"])} for m in ms]
    return burnup_figure(df), _timeline(rows), options, targets


@callback(Output(f"{M}-title", "value"), Output(f"{M}-due_on", "date"),
          Output(f"{M}-progress", "value"), Output(f"{M}-status", "value"),
          Input(f"{M}-id", "value"), prevent_initial_call=True)
def fill_milestone_form(milestone_id):
    if milestone_id in (None, "new"):
        return "", None, 0, "planned"
    with db.connection() as conn:
        m = milestones.get(conn, int(milestone_id))
    return m["title"], m["due_on"], m["progress"], m["status"]


@callback(*forms.outputs(M, M_FIELDS, M_INPUTS),
          Output(f"{P}-written", "data", allow_duplicate=True),
          Input(f"{M}-save", "n_clicks"), State(f"{M}-id", "value"),
          *[State(f"{M}-{n}", "date" if n == "due_on" else "value") for n in M_FIELDS],
          State(f"{P}-slug", "data"), State(f"{P}-written", "data"), prevent_initial_call=True)
def save_milestone(_n, milestone_id, title, due_on, progress, status, note, slug, written):
    body = {"title": title or "", "due_on": due_on, "progress": progress, "status": status,
            "note": note or None}

    def write(conn: Connection) -> None:
        if milestone_id in (None, "new"):
            milestones.create(conn, slug, body, source="ui", author=current_actor())
        else:
            milestones.update(conn, int(milestone_id), body, source="ui",
                              author=current_actor())

    return [*forms.submit(M_FIELDS, M_INPUTS, write, "Milestone saved."), (written or 0) + 1]


@callback(*forms.outputs(N, N_FIELDS, ("message",)),
          Output(f"{P}-written", "data", allow_duplicate=True),
          Input(f"{N}-save", "n_clicks"), State(f"{N}-message", "value"),
          State(f"{N}-target", "value"), State(f"{P}-slug", "data"),
          State(f"{P}-written", "data"), prevent_initial_call=True)
def post_note(_n, message, target, slug, written):
    body: dict[str, Any] = {"message": message or ""}
    if target not in (None, "project"):
        body["milestone_id"] = int(target)
    return [*forms.submit(N_FIELDS, ("message",), lambda conn: status_updates.post_note(
        conn, slug, body, source="ui", author=current_actor()), "Posted."),
        (written or 0) + 1]


@callback(*forms.outputs(E, E_FIELDS, E_FIELDS), Input(f"{E}-save", "n_clicks"),
          *[State(f"{E}-{n}", "value") for n in E_FIELDS], State(f"{P}-slug", "data"),
          prevent_initial_call=True)
def save_project(_n, *values):
    slug = values[-1]
    body = dict(zip(E_FIELDS, values[:-1], strict=True))
    return forms.submit(E_FIELDS, E_FIELDS,
                        lambda conn: project_svc.update_project(conn, slug, body),
                        "Project saved.")


def chart_frame(conn: Connection, slug: str, name: str, flt: BuildFilter,
                unit: str, environments: list[str] | None = None) -> pd.DataFrame:
    """The rows behind one chart or table, with the page's current filters."""
    project = get_project(conn, slug)
    if name == "dora":
        assert flt.since is not None and flt.until is not None
        rows = delivery.deploy_rows(conn, project.id, flt.since, flt.until, environments)
        return pd.DataFrame([{**r, "failures": "; ".join(r["failures"])} for r in rows],
                            columns=list(delivery.ROW_COLUMNS))
    if name == "table":
        return build_series.build_table(conn, project.id, flt)
    if name == "milestones":
        return build_series.milestone_progress(conn, project.id)
    charts = build_series.project_charts(conn, project.id, flt, unit)
    if name == "durations":
        return charts["durations"]
    return charts.get(name, charts["outcomes"])
