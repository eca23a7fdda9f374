"""/monitoring/metrics: one metric of several applications overlaid, aggregated per bucket
(bucket size follows the range, at most ~2,000 points per series), spikes kept as a min–max
envelope. Registered with a fixed path and a low `order` so Dash matches it before the
/monitoring/<slug> template."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from jadugar import db
from jadugar.errors import JadugarError
from jadugar.services import csv_export, metric_explorer
from jadugar.ui import monitoring_figures as figs
from jadugar.ui.clock import TZ
from jadugar.ui.monitoring_parts import range_picker, window, zoom_sets_range

dash.register_page(__name__, path="/monitoring/metrics", name="Metrics", order=1,
                   title="Metrics · Jadugar")

P = "metrics"
AGGS = ["avg", "min", "max", "p95", "sum", "rate"]
INPUTS = [Input(f"{P}-apps", "value"), Input(f"{P}-name", "value"),
          Input(f"{P}-labels", "value"), Input(f"{P}-agg", "value"),
          Input(f"{P}-range", "value"), Input(f"{P}-since", "value"),
          Input(f"{P}-until", "value")]


def layout(app: str | None = None, name: str | None = None, agg: str = "avg",
           range: str = "24h", since: str | None = None, until: str | None = None,  # noqa: A002
           **_query):
    apps = [a for a in (app or "").split(",") if a]
    with db.read_connection() as conn:
        c = metric_explorer.choices(conn, apps or None)
    return html.Div([
        dcc.Location(id=f"{P}-url", refresh=False),
        html.H3("Metrics explorer"),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id=f"{P}-apps", options=c["applications"], value=apps,
                                 multi=True, placeholder="Applications"), xs=12, md=4),
            dbc.Col(dcc.Dropdown(id=f"{P}-name", options=c["names"], value=name,
                                 placeholder="Metric"), xs=12, md=3),
            dbc.Col(dcc.Dropdown(id=f"{P}-labels", options=c["labels"], multi=True,
                                 placeholder="Labels (key=value)"), xs=8, md=3),
            dbc.Col(dcc.Dropdown(id=f"{P}-agg", options=AGGS,
                                 value=agg if agg in AGGS else "avg", clearable=False),
                    xs=4, md=2),
        ], className="g-2 mb-2"),
        range_picker(P, range or "24h", since, until),
        html.Div(id=f"{P}-error", className="text-danger small"),
        dbc.Card([dbc.CardHeader([
            html.Span(id=f"{P}-caption", className="me-auto small text-body-secondary"),
            dbc.Button([html.I(className="bi bi-download me-1"), "CSV"], id=f"{P}-csv-btn",
                       size="sm", color="secondary", outline=True),
            dcc.Download(id=f"{P}-csv")], className="d-flex align-items-center"),
            dbc.CardBody(dcc.Loading(dcc.Graph(id=f"{P}-chart", style={"height": 480},
                                               config={"displaylogo": False})),
                         className="p-2")], className="shadow-sm"),
    ])


@dash.callback(Output(f"{P}-name", "options"), Input(f"{P}-apps", "value"))
def metric_names(apps):
    with db.read_connection() as conn:
        return metric_explorer.choices(conn, apps or None)["names"]


zoom_sets_range(P, [f"{P}-chart"])


@dash.callback(Output(f"{P}-url", "search"), *INPUTS, prevent_initial_call=True)
def keep_in_url(apps, name, _labels, agg, range_, since, until):
    params = {"app": ",".join(apps or []), "name": name, "agg": agg, "range": range_}
    if range_ == "custom":
        params.update(since=since or "", until=until or "")
    return "?" + urlencode({k: v for k, v in params.items() if v})


def _series(apps, name, labels, agg, range_, since, until, tz) -> list[dict]:
    start, end = window(range_, since, until, tz)
    wanted = metric_explorer.parse_labels(labels)
    with db.read_connection() as conn:
        return [{"label": f"{a} {agg}({name})", "app": a, "envelope": True,
                 "points": metric_explorer.series(conn, a, name, start, end, agg, wanted)}
                for a in (apps or [])[:10]]


@dash.callback(Output(f"{P}-chart", "figure"), Output(f"{P}-caption", "children"),
               Output(f"{P}-error", "children"), *INPUTS, Input(TZ, "data"))
def show(apps, name, labels, agg, range_, since, until, tz):
    if not apps or not name:
        return figs.metric_figure([], tz), "", None
    try:
        series = _series(apps, name, labels, agg, range_, since, until, tz)
    except JadugarError as err:
        return figs.empty("Fix the filters"), "", err.message
    points = max((len(s["points"]) for s in series), default=0)
    fig = figs.metric_figure(series, tz, window(range_, since, until, tz))
    return fig, f"{len(series)} series, ≤ {points} points each", None


@dash.callback(Output(f"{P}-csv", "data"), Input(f"{P}-csv-btn", "n_clicks"),
               *[State(i.component_id, i.component_property) for i in INPUTS],
               State(TZ, "data"), prevent_initial_call=True)
def download(_n, apps, name, labels, agg, range_, since, until, tz):
    series = _series(apps, name, labels, agg, range_, since, until, tz) if name else []
    rows = [[s["app"], name, agg, p["t"], p["value"], p["min"], p["max"], p["count"]]
            for s in series for p in s["points"]]
    header = ["application", "metric", "aggregation", "t", "value", "min", "max", "count"]
    return {"content": csv_export.to_string(header, rows), "filename": f"metric-{name}.csv"}
