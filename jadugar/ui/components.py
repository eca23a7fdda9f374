"""Small Dash building blocks the pages share."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from jadugar.ui.theme import badge_color


def kpi(label: str, value: object, hint: str | None = None, id_: str | None = None) -> dbc.Card:
    body = [html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value", **({"id": id_} if id_ else {}))]
    if hint:
        body.append(html.Small(hint, className="text-body-secondary"))
    return dbc.Card(dbc.CardBody(body), className="kpi-card h-100 shadow-sm")


def status_badge(status: str | None) -> dbc.Badge:
    return dbc.Badge(status or "unknown", color=badge_color(status), className="text-uppercase")


def empty_state(title: str, text: str, code: str | None = None) -> dbc.Alert:
    children: list = [html.H5(title), html.P(text, className="mb-2")]
    if code:
        children.append(html.Pre(code, className="bg-body-secondary p-2 rounded mb-0"))
    return dbc.Alert(children, color="info", className="empty-state")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def minutes(seconds: float | None) -> str:
    """A duration for a table cell; builds without start and finish times have none."""
    if seconds is None or seconds != seconds:  # None or NaN
        return "–"
    return f"{seconds / 60:.1f} min"
