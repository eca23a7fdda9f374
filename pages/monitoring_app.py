"""/monitoring/<slug>: one application: per-check response times (p50/p95/max), status bands,
uptime per day, incidents, deploy markers, recent results and the check configuration.
The time range (1 h .. 1 y or custom) and the chosen check live in the URL."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from jadugar import db, policy
from jadugar.errors import JadugarError
from jadugar.services import applications, checks, csv_export, uptime
from jadugar.timeutil import utcnow
from jadugar.ui import monitoring_figures as figs
from jadugar.ui import monitoring_tables as tables
from jadugar.ui import not_found
from jadugar.ui.clock import TZ
from jadugar.ui.components import status_badge
from jadugar.ui.live import follow, follow_components
from jadugar.ui.monitoring_parts import range_picker, window, zoom_sets_range
from jadugar.ui.ping_note import ping_note

dash.register_page(__name__, path_template="/monitoring/<slug>", name="Application",
                   title=lambda slug="", **_: f"{slug} · Monitoring · Jadugar")

P = "mapp"
RANGE_INPUTS = [Input(f"{P}-range", "value"), Input(f"{P}-since", "value"),
                Input(f"{P}-until", "value"), Input(f"{P}-check", "value")]


def _linked_projects(slugs: list[str]) -> html.Span:
    """The projects that build or deploy this application (their deploys mark the charts)."""
    links: list = []
    for slug in slugs:
        links += [", " if links else "", dcc.Link(slug, href=f"/builds/{slug}")]
    return html.Span(["Projects: ", *links] if links else [], id=f"{P}-projects",
                     className="ms-3 small")


def layout(slug: str | None = None, range: str = "24h", since: str | None = None,  # noqa: A002
           until: str | None = None, check: str | None = None, **_query):
    with db.read_connection() as conn:
        try:
            app = applications.get_application(conn, slug or "")
        except JadugarError:
            return not_found.page("Application not found",
                                  f"There is no application {slug!r}.", f"/monitoring/{slug}")
        checks = uptime.checks_of(conn, app.id)
    options = [{"label": f'{c["name"]} ({c["type"]})', "value": str(c["id"])} for c in checks]
    chosen = check if check in {o["value"] for o in options} else (
        options[0]["value"] if options else None)
    return html.Div([
        follow_components(P, 10000, app.slug),
        dcc.Location(id=f"{P}-url", refresh=False),
        html.Div([html.H3(app.name, className="me-2 mb-0"), status_badge(app.status),
                  html.Span(app.environment or "", className="ms-2 text-body-secondary"),
                  html.Span(" ".join(f"#{t}" for t in app.tags),
                            className="ms-2 small text-body-secondary"),
                  _linked_projects(app.projects)],
                 className="d-flex align-items-center flex-wrap mb-2"),
        range_picker(P, range if range else "24h", since, until),
        dbc.Row([dbc.Col(dcc.Dropdown(id=f"{P}-check", options=options, value=chosen,
                                      clearable=False), xs=12, md=4),
                 dbc.Col(html.Div(id=f"{P}-range-error", className="text-danger small"))],
                className="g-2 mb-3"),
        _card("Response time (p50, p95, min–max)", "rt",
              dcc.Loading(dcc.Graph(id=f"{P}-rt", config={"displaylogo": False}))),
        _card("Status", "bands", dcc.Loading(dcc.Graph(id=f"{P}-bands",
                                                       config={"displayModeBar": False}))),
        _card("Uptime per day (UTC days)", "days",
              dcc.Loading(dcc.Graph(id=f"{P}-days", config={"displayModeBar": False}))),
        _card("Incidents", "incidents", dcc.Loading(html.Div(id=f"{P}-incidents"))),
        _card("Builds and deploys of linked projects", "deploys",
              html.Div(id=f"{P}-deploys", className="scroll-box")),
        _card("Recent results", "recent",
              dcc.Loading(html.Div(id=f"{P}-recent", className="scroll-box"))),
        _card("Check configuration", None, [tables.check_config(checks),
                                            *_ping_notes(app.id)]),
    ])


def _ping_notes(app_id: int) -> list:
    """Each heartbeat's ping URL and curl line, for those who may edit checks."""
    if not policy.allowed(policy.current_principal(), "checks.write"):
        return []
    with db.read_connection() as conn:
        pings = checks.ping_paths(conn, app_id)
    return [ping_note(path, f"{P}-{check_id}", name) for check_id, name, path in pings]


def _card(title: str, csv: str | None, body) -> dbc.Card:
    header = [html.Span(title, className="me-auto fw-semibold")]
    if csv:
        header.append(dbc.Button([html.I(className="bi bi-download me-1"), "CSV"],
                                 id=f"{P}-{csv}-csv-btn", size="sm", color="secondary",
                                 outline=True))
        header.append(dcc.Download(id=f"{P}-{csv}-csv"))
    return dbc.Card([dbc.CardHeader(header, className="d-flex align-items-center"),
                     dbc.CardBody(body, className="p-2")], className="mb-3 shadow-sm")


# Results, status changes and alerts of this application (the shell joined its room)
# redraw the page at most every 10 s, whatever the check rate.
follow(P, ("check_result", "application_status", "alert"), key="application")


zoom_sets_range(P, [f"{P}-rt", f"{P}-bands"])


@dash.callback(Output(f"{P}-url", "search"), *RANGE_INPUTS, prevent_initial_call=True)
def keep_in_url(range_, since, until, check):
    params = {"range": range_, "check": check}
    if range_ == "custom":
        params.update(since=since or "", until=until or "")
    return "?" + urlencode({k: v for k, v in params.items() if v})


@dash.callback(Output(f"{P}-rt", "figure"), Output(f"{P}-bands", "figure"),
               Output(f"{P}-days", "figure"), Output(f"{P}-incidents", "children"),
               Output(f"{P}-deploys", "children"), Output(f"{P}-recent", "children"),
               Output(f"{P}-range-error", "children"),
               *RANGE_INPUTS, Input(TZ, "data"), Input(f"{P}-refresh", "data"),
               State(f"{P}-slug", "data"))
def show(range_, since, until, check, tz, _refresh, slug):
    try:
        start, end = window(range_, since, until, tz)
    except JadugarError as err:
        none = figs.empty("Fix the range")
        return none, none, none, None, None, None, err.message
    if not check:
        none = figs.empty("This application has no checks yet")
        return none, none, none, None, None, None, None
    check_id = int(check)
    with db.read_connection() as conn:
        app = applications.get_application(conn, slug)
        every = {c["id"]: c["interval_s"] for c in uptime.checks_of(conn, app.id)}
        rt = uptime.banded_response_times(conn, check_id, start, end, every.get(check_id))
        bands = uptime.status_bands(conn, check_id, start, end)
        days = uptime.uptime_per_day(conn, check_id, start, end)
        incidents = uptime.incidents(conn, check_id, start, end, utcnow())
        deploys = uptime.deploys(conn, app.id, start, end)
        recent = uptime.recent_results(conn, check_id, start, end)
    span = (start, end)
    return (figs.response_time_figure(rt, deploys, tz, span),
            figs.status_band_figure(bands, tz, span), figs.uptime_day_figure(days, tz, span),
            tables.incidents(incidents, tz),
            tables.deploys(deploys, tz), tables.recent(recent, tz), None)


# The tables and charts a CSV button downloads: name -> (columns, rows for the page's
# application id, check id and window).
CSV_TABLES = {
    "rt": (["t", "p50", "p95", "min", "max", "count"],
           lambda c, _a, k, s, e: uptime.response_times(c, k, s, e)),
    "bands": (["status", "start", "end", "results"],
              lambda c, _a, k, s, e: uptime.status_bands(c, k, s, e)),
    "days": (["day", "results", "down", "degraded", "uptime"],
             lambda c, _a, k, s, e: uptime.uptime_per_day(c, k, s, e)),
    "incidents": (["started_at", "ended_at", "duration_s", "results", "alert_id",
                   "alert_title", "alert_state"],
                  lambda c, _a, k, s, e: uptime.incidents(c, k, s, e, utcnow(), limit=10000)),
    "deploys": (["ts", "project", "number", "branch", "kind", "status", "environment"],
                lambda c, a, _k, s, e: uptime.deploys(c, a, s, e, limit=10000)),
    "recent": (["ts", "location", "status", "response_ms", "status_code", "error"],
               lambda c, _a, k, s, e: uptime.recent_results(c, k, s, e, limit=10000)),
}


def download(name: str, _n, range_, since, until, check, tz, slug):
    """The CSV behind one table or chart (`name` in CSV_TABLES) for the page's window."""
    header, fetch = CSV_TABLES[name]
    start, end = window(range_, since, until, tz)
    with db.read_connection() as conn:
        app = applications.get_application(conn, slug)
        rows = fetch(conn, app.id, int(check or 0), start, end)
    return {"content": csv_export.to_string(header, [[r[h] for h in header] for r in rows]),
            "filename": f"{slug}-{name}.csv"}


for _name in CSV_TABLES:  # one callback per button, registered at import
    dash.callback(Output(f"{P}-{_name}-csv", "data"), Input(f"{P}-{_name}-csv-btn", "n_clicks"),
                  State(f"{P}-range", "value"), State(f"{P}-since", "value"),
                  State(f"{P}-until", "value"), State(f"{P}-check", "value"),
                  State(TZ, "data"), State(f"{P}-slug", "data"),
                  prevent_initial_call=True)(partial(download, _name))
