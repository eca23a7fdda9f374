"""/monitoring: every application at a glance: status, uptime 24 h/7 d/30 d, last response,
90-interval bars and open alerts. One paginated set-based query per view."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from jadugar import db
from jadugar.services import csv_export, monitoring
from jadugar.ui import url_state
from jadugar.ui.components import empty_state, percent, status_badge
from jadugar.ui.live import follow, follow_components
from jadugar.ui.monitoring_parts import ms, uptime_bars

dash.register_page(__name__, path="/monitoring", name="Monitoring",
                   title="Monitoring · Jadugar")

P = "monitoring"
SORT_OPTIONS = [{"label": "Worst status first", "value": "status"},
                {"label": "Name", "value": "name"},
                {"label": "Slowest response", "value": "response"},
                {"label": "Most open alerts", "value": "alerts"}]


BAR_OPTIONS = [{"label": "bars: 90 hours", "value": "hour"},
               {"label": "bars: 90 days", "value": "day"}]
FILTERS = [Input(f"{P}-search", "value"), Input(f"{P}-tag", "value"),
           Input(f"{P}-env", "value"), Input(f"{P}-sort", "value"), Input(f"{P}-bar", "value")]


def layout(q: str | None = None, tag: str | None = None, env: str | None = None,
           sort: str | None = None, bar: str | None = None, **_query):
    """The filters start from the URL (`?q=&tag=&env=&sort=&bar=`), so a reload keeps them."""
    with db.read_connection() as conn:
        f = monitoring.facets(conn)
    filters = dbc.Row([
        dbc.Col(dbc.Input(id=f"{P}-search", placeholder="Search applications", type="search",
                          debounce=True, value=(q or "")[:200] or None), xs=12, md=3),
        dbc.Col(dcc.Dropdown(id=f"{P}-tag", options=f["tags"], placeholder="Tag",
                             value=url_state.choice(tag, f["tags"])), xs=6, md=2),
        dbc.Col(dcc.Dropdown(id=f"{P}-env", options=f["environments"],
                             value=url_state.choice(env, f["environments"]),
                             placeholder="Environment"), xs=6, md=2),
        dbc.Col(dcc.Dropdown(id=f"{P}-sort", options=SORT_OPTIONS,
                             value=url_state.choice(sort, SORT_OPTIONS, "status"),
                             clearable=False), xs=6, md=2),
        dbc.Col(dcc.Dropdown(id=f"{P}-bar", options=BAR_OPTIONS,
                             value=url_state.choice(bar, BAR_OPTIONS, "hour"),
                             clearable=False), xs=6, md=2),
        dbc.Col(dbc.Button([html.I(className="bi bi-download me-1"), "CSV"],
                           id=f"{P}-csv-btn", size="sm", color="secondary", outline=True),
                xs="auto"),
    ], className="g-2 mb-3 align-items-center")
    return html.Div([
        dcc.Location(id=f"{P}-url", refresh=False),
        html.Div([html.H3("Monitoring", className="me-auto"),
                  dbc.Button("Metrics explorer", href="/monitoring/metrics", size="sm",
                             color="link")], className="d-flex align-items-center"),
        filters,
        # A live redraw is quick: only a slow one shows the spinner.
        dcc.Loading(html.Div(id=f"{P}-table"), delay_show=400),
        follow_components(P, 10000),
        dbc.Pagination(id=f"{P}-page", max_value=1, active_page=1, fully_expanded=False,
                       size="sm", className="mt-2"),
        dcc.Download(id=f"{P}-csv"),
    ])


def _row(a: dict) -> html.Tr:
    return html.Tr([
        html.Td([html.A(a["name"], href=f'/monitoring/{a["slug"]}', className="fw-semibold"),
                 html.Div(a["environment"] or "", className="small text-body-secondary")]),
        html.Td(status_badge(a["status"])),
        html.Td(percent(a["uptime_24h"])), html.Td(percent(a["uptime_7d"]),
                                                   className="d-none d-md-table-cell"),
        html.Td(percent(a["uptime_30d"]), className="d-none d-md-table-cell"),
        html.Td(ms(a["last_response_ms"]), className="d-none d-sm-table-cell"),
        html.Td(uptime_bars(a["bars"]), style={"minWidth": 160, "width": "35%"}),
        html.Td(dbc.Badge(a["open_alerts"], color="danger") if a["open_alerts"] else "0"),
    ], **{"data-slug": a["slug"]})


# Status changes and alerts of any application redraw the page at most every 10 s.
follow(P, ("application_status", "alert"))


@dash.callback(Output(f"{P}-url", "search"), *FILTERS, prevent_initial_call=True)
def keep_in_url(q, tag, env, sort, bar):
    return url_state.query(q=q, tag=tag, env=env, sort=None if sort == "status" else sort,
                           bar=None if bar == "hour" else bar)


@dash.callback(Output(f"{P}-table", "children"), Output(f"{P}-page", "max_value"),
               *FILTERS, Input(f"{P}-page", "active_page"),
               Input(f"{P}-refresh", "data"))
def show(q, tag, env, sort, bar, page_no, _refresh):
    with db.read_connection() as conn:
        result = monitoring.overview(conn, q=q, tag=tag, env=env, sort=sort or "status",
                                     bar=bar or "hour", page=int(page_no or 1))
    if not result["items"]:
        return empty_state("No applications match",
                           "Change the filters, or add an application under Settings."), 1
    head = html.Thead(html.Tr([
        html.Th("Application"), html.Th("Status"), html.Th("24 h"),
        html.Th("7 d", className="d-none d-md-table-cell"),
        html.Th("30 d", className="d-none d-md-table-cell"),
        html.Th("Last response", className="d-none d-sm-table-cell"),
        html.Th("Last 90 " + ("hours" if bar == "hour" else "days")), html.Th("Alerts")]))
    table = dbc.Table([head, html.Tbody([_row(a) for a in result["items"]])], hover=True,
                      size="sm", responsive=True, id=f"{P}-apps", className="align-middle")
    caption = html.Small(f'{result["total"]} applications', className="text-body-secondary")
    return [table, caption], result["pages"]


@dash.callback(Output(f"{P}-csv", "data"), Input(f"{P}-csv-btn", "n_clicks"),
               State(f"{P}-search", "value"), State(f"{P}-tag", "value"),
               State(f"{P}-env", "value"), State(f"{P}-sort", "value"),
               prevent_initial_call=True)
def download(_n, q, tag, env, sort):
    with db.read_connection() as conn:
        rows = monitoring.export_rows(conn, q=q, tag=tag, env=env, sort=sort or "status")
    return {"content": csv_export.to_string(monitoring.EXPORT_HEADER, rows),
            "filename": "monitoring.csv"}
