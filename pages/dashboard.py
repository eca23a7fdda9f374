"""/ — headline numbers and what to do next."""

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from jadugar import db, policy
from jadugar.services import dashboard, dashboard_trends
from jadugar.ui import dashboard_figures as figs
from jadugar.ui.clock import TZ, local_time
from jadugar.ui.components import empty_state, kpi, percent, status_badge
from jadugar.ui.live import follow, follow_components

dash.register_page(__name__, path="/", name="Dashboard", title="Dashboard · Jadugar")

FIRST_BUILD = """curl -X POST http://127.0.0.1:8050/api/v1/projects \\
  -H "Authorization: Bearer $JADUGAR_TOKEN" -H 'Content-Type: application/json' \\
  -d '{"slug": "web", "name": "Web app"}'
curl -X POST http://127.0.0.1:8050/api/v1/projects/web/builds \\
  -H "Authorization: Bearer $JADUGAR_TOKEN" -H 'Content-Type: application/json' \\
  -d '{"status": "running", "branch": "main", "progress": 40}'"""


def layout(**_query):
    # The numbers come with the page, so they show without waiting for a callback (nor for
    # the charts, whose plotly.js is large); the rest is drawn by `refresh` as soon as the
    # page mounts, in the browser's time zone.
    return html.Div([
        html.Div(tiles(), id="dashboard-tiles"),
        html.Div(dbc.Spinner(), id="dashboard-body"),
        follow_components("dashboard", 3000),
    ])


# Builds, alerts and application changes redraw the numbers at most every 3 s.
follow("dashboard", ("build", "alert", "application_status"))


@callback(Output("dashboard-tiles", "children"), Input("dashboard-refresh", "data"),
          prevent_initial_call=True)
def refresh_tiles(_at):
    return tiles()


@callback(Output("dashboard-body", "children"), Input("dashboard-refresh", "data"),
          Input(TZ, "data"))
def refresh(_at, tz):
    return body(tz)


def tiles() -> dbc.Row | None:
    """The headline numbers. The page itself is `ui.use`: it draws them only for whom the
    callback that redraws them (monitoring.read) would answer."""
    if not policy.allowed(policy.current_principal(), "monitoring.read"):
        return None
    with db.read_connection() as conn:
        s = dashboard.summary(conn)
    return dbc.Row([
        dbc.Col(_card("/builds", kpi("Builds today", s["builds_today"],
                                     f'{s["builds_running"]} running',
                                     id_="dashboard-builds-today")), md=3, xs=6),
        dbc.Col(_card("/builds", kpi("Success rate (7 d)", percent(s["success_rate_7d"]),
                                     id_="dashboard-success-rate")), md=3, xs=6),
        dbc.Col(_card("/monitoring", kpi(
            "Applications up", f'{s["applications_up"]} / {s["applications"]}',
            _apps_hint(s), id_="dashboard-apps-up")), md=3, xs=6),
        dbc.Col(_card("/alerts?state=firing", kpi("Open alerts", s["open_alerts"],
                                                  id_="dashboard-open-alerts")), md=3, xs=6),
    ], className="g-3 mb-4")


def body(tz: str | None = None):
    """Below the numbers: the trends and the recent builds, or what to do first."""
    with db.read_connection() as conn:
        s = dashboard.summary(conn)
        recent = dashboard.recent_builds(conn)
    if not s["projects"] and not s["applications"]:
        return empty_state(
            "Nothing here yet",
            "Create an API token with `jadugar token create ci --scope ingest`, then send a "
            "first build, or run `jadugar demo` to load sample data.", FIRST_BUILD)
    rows = [html.Tr([html.Td(html.A(b["project"], href=f'/builds/{b["project"]}')),
                     html.Td(html.A(f'#{b["number"] or b["id"]}',
                                    href=f'/builds/{b["project"]}/{b["id"]}')),
                     html.Td(b["branch"] or ""),
                     html.Td(status_badge(b["status"])),
                     html.Td(local_time(b["created_at"], tz) if tz
                             else b["created_at"].strftime("%Y-%m-%d %H:%M UTC"))])
            for b in recent]
    table = dbc.Table([html.Thead(html.Tr([html.Th(h) for h in
                                           ("Project", "Build", "Branch", "Status", "Created")])),
                       html.Tbody(rows)], hover=True, size="sm", responsive=True,
                      id="dashboard-recent")
    return html.Div([trends(tz), html.H5("Recent builds"), table])


def _card(href: str, card) -> dcc.Link:
    """A headline card is a way in: it opens the page behind its number."""
    return dcc.Link(card, href=href, className="text-reset text-decoration-none d-block h-100")


def _apps_hint(s: dict) -> str:
    if s.get("applications_warming"):
        return f'warming up: {s["applications_warming"]} waiting for a first check'
    return f'{s["applications_down"]} down, {s["applications_degraded"]} degraded'


def trends(tz: str | None) -> dbc.Row:
    with db.read_connection() as conn:
        t = dashboard_trends.trends(conn)
    window = t["window"][0]
    charts = [("Builds per day (14 d)", "builds", figs.builds_per_day_figure(t["builds"], window)),
              ("Uptime of the worst applications", "uptime",
               figs.worst_uptime_figure(t["uptime"], window)),
              ("Open alerts (7 d)", "alerts", figs.open_alerts_figure(t["alerts"], tz))]
    return dbc.Row([dbc.Col(dbc.Card([
        dbc.CardHeader(title, className="fw-semibold small"),
        dbc.CardBody(dcc.Graph(id=f"dashboard-trend-{key}", figure=fig,
                               config={"displayModeBar": False}), className="p-1")],
        className="h-100 shadow-sm"), lg=4, md=6, xs=12) for title, key, fig in charts],
        className="g-3 mb-4")
