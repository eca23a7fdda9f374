"""/reports: SLA per application, per calendar month (UTC) or over a custom range, with
maintenance windows left out. CSV download and a printable HTML version."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from jadugar import db
from jadugar.errors import JadugarError
from jadugar.humanize import day_span
from jadugar.services import applications, csv_export, reports
from jadugar.timeutil import parse_date, utcnow
from jadugar.ui import url_state
from jadugar.ui.components import empty_state, percent

dash.register_page(__name__, path="/reports", name="Reports", title="Reports · Jadugar",
                   nav_extra=True)

P = "reports"
INPUTS = [Input(f"{P}-since", "value"), Input(f"{P}-until", "value"),
          Input(f"{P}-period", "value"), Input(f"{P}-app", "value")]


PERIODS = [{"label": "month", "value": "month"}, {"label": "whole range", "value": "range"}]


def layout(since: str | None = None, until: str | None = None, period: str | None = None,
           application: str | None = None, **_query):
    """The filters start from the URL (`?since=&until=&period=&application=`)."""
    today = utcnow().date()
    first = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
    with db.read_connection() as conn:
        apps = applications.slugs(conn)
    return html.Div([
        dcc.Location(id=f"{P}-url", refresh=False),
        html.H3("SLA reports"),
        dbc.Row([
            dbc.Col([dbc.Label("From (UTC day)", className="small mb-0"),
                     dbc.Input(id=f"{P}-since", type="date", value=_day(since, first.isoformat()),
                               size="sm")], xs=6, md=2),
            dbc.Col([dbc.Label("Until (exclusive)", className="small mb-0"),
                     dbc.Input(id=f"{P}-until", type="date",
                               value=_day(until, (today + timedelta(days=1)).isoformat()),
                               size="sm")],
                    xs=6, md=2),
            dbc.Col([dbc.Label("Per", className="small mb-0"),
                     dcc.Dropdown(id=f"{P}-period", clearable=False, options=PERIODS,
                                  value=url_state.choice(period, PERIODS, "month"))],
                    xs=6, md=2),
            dbc.Col([dbc.Label("Application", className="small mb-0"),
                     dcc.Dropdown(id=f"{P}-app", options=apps, placeholder="All",
                                  value=url_state.choice(application, apps))],
                    xs=6, md=2),
            dbc.Col([dbc.Button([html.I(className="bi bi-download me-1"), "CSV"],
                                id=f"{P}-csv-btn", size="sm", color="secondary",
                                outline=True, className="me-2"),
                     dbc.Button([html.I(className="bi bi-printer me-1"), "Printable"],
                                id=f"{P}-print", size="sm", color="secondary", outline=True,
                                external_link=True, target="_blank")],
                    xs=12, md="auto", className="align-self-end"),
        ], className="g-2 mb-3"),
        html.Div(id=f"{P}-error", className="text-danger small"),
        dcc.Download(id=f"{P}-csv"),
        dcc.Loading(html.Div(id=f"{P}-table")),
        html.P("Uptime counts every result that is not down; results inside maintenance "
               "windows are left out. Incidents are down periods of a check.",
               className="small text-body-secondary"),
    ])


def _day(value: str | None, default: str) -> str:
    """A day from the URL, if it is one (YYYY-MM-DD); else the default."""
    try:
        return parse_date(value, "day").isoformat() if value else default
    except JadugarError:
        return default


@dash.callback(Output(f"{P}-url", "search"), *INPUTS, prevent_initial_call=True)
def keep_in_url(since, until, period, app):
    return url_state.query(since=since, until=until, period=period, application=app)


def _report(since, until, period, app) -> list[dict]:
    start, end = parse_date(since, "since"), parse_date(until, "until")
    if start is None or end is None:
        from jadugar.errors import Invalid

        raise Invalid("choose both days", field="since")
    with db.read_connection() as conn:
        return reports.sla(conn, _utc(start), _utc(end), period or "month", app or None)


def _utc(day):
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dash.callback(Output(f"{P}-table", "children"), Output(f"{P}-error", "children"),
               Output(f"{P}-print", "href"), *INPUTS)
def show(since, until, period, app):
    query = urlencode({k: v for k, v in {"since": since, "until": until, "period": period,
                                         "application": app}.items() if v})
    try:
        rows = _report(since, until, period, app)
    except JadugarError as err:
        return None, err.message, None
    if not rows:
        return empty_state("No results in this range", "Choose other days."), None, None
    start, end = _utc(parse_date(since, "since")), _utc(parse_date(until, "until"))
    body = [html.Tr([html.Td(day_span(*reports.period_days(r["period"], period or "month",
                                                            start, end))),
                     html.Td(r["name"]), html.Td(percent(r["uptime"]) if r["uptime"] is None
                                                 else f'{r["uptime"] * 100:.3f}%'),
                     html.Td(r["incidents"]), html.Td(r["results"])]) for r in rows]
    table = dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
        "Period", "Application", "Uptime", "Incidents", "Results")])), html.Tbody(body)],
        size="sm", hover=True, responsive=True, id=f"{P}-sla")
    return table, None, f"/api/v1/reports/sla.html?{query}"


@dash.callback(Output(f"{P}-csv", "data"), Input(f"{P}-csv-btn", "n_clicks"),
               *[State(i.component_id, i.component_property) for i in INPUTS],
               prevent_initial_call=True)
def download(_n, since, until, period, app):
    rows = reports.as_rows(_report(since, until, period, app))
    return {"content": csv_export.to_string(reports.HEADER, rows), "filename": "sla.csv"}
