"""/builds — every project: latest status, success rates, durations, builds in flight with
live progress bars, a sparkline of recent builds, and a form to add a project."""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from jadugar import db, policy
from jadugar.services import build_series
from jadugar.services import projects as project_svc
from jadugar.services.csv_export import to_string
from jadugar.ui import build_forms as forms
from jadugar.ui.build_figures import sparkline
from jadugar.ui.components import empty_state, minutes, percent, status_badge
from jadugar.ui.live import follow, follow_components

dash.register_page(__name__, path="/builds", name="Builds", title="Builds · Jadugar")

NEW = "builds-new"
LIVE = "builds-live"
NEW_FIELDS = ("slug", "name", "repository", "description")


def progress_bar(build: dict) -> html.Div:
    """A build in flight. The id is stable so live events can move the bar in place."""
    value = build["progress"] if build["progress"] == build["progress"] else None
    return html.Div([
        html.Small(f"#{build['number'] or build['id']} {build['branch'] or ''}",
                   className="text-body-secondary"),
        dbc.Progress(id={"type": "builds-progress", "build": int(build["id"])},
                     value=value or 0, label=f"{int(value)}%" if value is not None else "",
                     animated=True, striped=True, style={"height": "14px"},
                     color="info" if build["status"] == "queued" else "primary"),
    ], className="mb-1")


def _row(p, running, recent) -> html.Tr:
    mine = running[running["project_id"] == p.id]
    spark = recent[recent["project_id"] == p.id]
    return html.Tr([
        html.Td(html.A(p.name, href=f"/builds/{p.slug}")),
        html.Td(status_badge(p.latest_status) if p.latest_status else "–"),
        html.Td(percent(p.rate_7d if p.rate_7d == p.rate_7d else None)),
        html.Td(percent(p.rate_30d if p.rate_30d == p.rate_30d else None)),
        html.Td(minutes(p.p50)), html.Td(minutes(p.p95)),
        html.Td([progress_bar(b) for b in mine.to_dict("records")] or "–",
                style={"minWidth": 180}),
        html.Td(dcc.Graph(figure=sparkline(spark), config={"staticPlot": True},
                          style={"height": 40, "width": 160}) if len(spark) else "–"),
    ])


def _new_project_form() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H5("New project"),
        dbc.Row([
            dbc.Col(forms.field(NEW, "slug", "Slug", dbc.Input(id=f"{NEW}-slug",
                                                               placeholder="web-app")), md=3),
            dbc.Col(forms.field(NEW, "name", "Name", dbc.Input(id=f"{NEW}-name")), md=3),
            dbc.Col(forms.field(NEW, "repository", "Repository (owner/name)",
                                dbc.Input(id=f"{NEW}-repository")), md=3),
            dbc.Col(forms.field(NEW, "description", "Description",
                                dbc.Input(id=f"{NEW}-description")), md=3),
        ]),
        dbc.Button("Create project", id=f"{NEW}-submit", color="primary"),
        forms.alert_slot(NEW),
    ]), className="mt-4")


def _overview() -> html.Div | dbc.Table:
    with db.read_connection() as conn:
        data = build_series.overview(conn)
    projects = data["projects"]
    if projects.empty:
        return empty_state("No projects yet", "Create one below, or send a build to "
                           "POST /api/v1/projects/{slug}/builds after creating it.")
    header = html.Thead(html.Tr([html.Th(h) for h in (
        "Project", "Latest", "Success 7 d", "Success 30 d", "p50", "p95", "Running",
        "Recent builds")]))
    rows = [_row(p, data["running"], data["recent"]) for p in projects.itertuples()]
    return dbc.Table([header, html.Tbody(rows)], hover=True, responsive=True, size="sm",
                     id="builds-overview")


def layout(**_query):
    head = html.Div([html.H3("Builds", className="me-auto"),
                     dbc.Button([html.I(className="bi bi-download me-1"), "Download CSV"],
                                id="builds-overview-csv", color="secondary", outline=True,
                                size="sm"),
                     dcc.Download(id="builds-overview-download")],
                    className="d-flex align-items-center mb-3")
    may_create = policy.allowed(policy.current_principal(), "projects.write")
    return html.Div([follow_components(LIVE, 2000), head,
                     html.Div(_overview(), id="builds-overview-box"),
                     _new_project_form() if may_create else None])


# Every build event reaches this page (all clients sit in the dashboard room): a new build,
# or one that finishes, redraws the table (its rows, Latest and rates), at most every 2 s.
follow(LIVE, ("build",))


@callback(Output("builds-overview-box", "children"), Input(f"{LIVE}-refresh", "data"),
          prevent_initial_call=True)
def refresh_overview(_refresh):
    return _overview()


@callback(Output("builds-overview-download", "data"), Input("builds-overview-csv", "n_clicks"),
          prevent_initial_call=True)
def download_overview(_n):
    with db.read_connection() as conn:
        df = build_series.overview(conn)["projects"]
    return dcc.send_string(to_string(list(df.columns), df.itertuples(index=False)),
                           "projects-overview.csv")


@callback(*forms.outputs(NEW, NEW_FIELDS, NEW_FIELDS),
          Output("builds-overview-box", "children", allow_duplicate=True),
          Input(f"{NEW}-submit", "n_clicks"),
          *[State(f"{NEW}-{n}", "value") for n in NEW_FIELDS], prevent_initial_call=True)
def create_project(_n, *values):
    """Create the project, then redraw the table so it shows at once (no event carries a
    new project with no builds)."""
    body = {k: v for k, v in zip(NEW_FIELDS, values, strict=True) if v}
    body.setdefault("slug", "")
    out = forms.submit(NEW_FIELDS, NEW_FIELDS,
                       lambda conn: project_svc.create_project(conn, body),
                       f"Project {body.get('slug')} created.")
    failed = any(out[len(NEW_FIELDS):2 * len(NEW_FIELDS)]) or (
        out[-1] is not None and getattr(out[-1], "color", "") == "danger")
    return [*out, dash.no_update if failed else _overview()]
