"""The dashboard's trend charts: builds per day by outcome, daily uptime of the worst
applications, open alerts over time. Rows come aggregated from
jadugar.services.dashboard_trends; days are UTC days, hours shown in the browser's zone."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from jadugar.ui import chart_format as fmt
from jadugar.ui.monitoring_figures import LAYOUT, empty, frame
from jadugar.ui.theme import color

SMALL = {**LAYOUT, "height": 240, "margin": {"l": 40, "r": 10, "t": 10, "b": 30}}


def _legend_on_top(fig: go.Figure, entries: int, per_row: int) -> None:
    """Legend above the plot in columns, with the top margin made room for it (a legend
    below would sit on the tick labels of a small chart)."""
    rows = -(-entries // per_row)
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                              "entrywidth": 1 / per_row, "entrywidthmode": "fraction",
                              "font": {"size": 11}},
                      margin={**SMALL["margin"], "t": 10 + 20 * rows},
                      height=SMALL["height"] + 20 * rows)
OUTCOMES = ("success", "failed", "cancelled", "running", "queued", "skipped")


def _days(fig: go.Figure, window: dict[str, Any]) -> go.Figure:
    fig.update_xaxes(**fmt.day_axis(window["since"], window["until"]))
    return fig


def builds_per_day_figure(rows: list[dict[str, Any]], window: dict[str, Any]) -> go.Figure:
    if not rows:
        return _days(empty("No builds in these days"), window).update_xaxes(visible=True)
    df = pd.DataFrame(rows)
    df["day"] = pd.to_datetime(df["day"], utc=True).dt.tz_localize(None) + pd.Timedelta(hours=12)
    fig = go.Figure(layout={**SMALL, "barmode": "stack", "hovermode": "x unified"})
    for status in [s for s in OUTCOMES if s in set(df["status"])] + sorted(
            set(df["status"]) - set(OUTCOMES)):
        part = df[df["status"] == status]
        fig.add_trace(go.Bar(x=part["day"], y=part["builds"], name=status,
                             marker_color=color(status), width=86_400_000 * 0.8,
                             hovertemplate=f"%{{y}} {status}<extra></extra>"))
    fig.update_yaxes(title_text="builds", tickformat=",d", rangemode="tozero")
    _legend_on_top(fig, len(fig.data), 3)
    return _days(fig, window)


def worst_uptime_figure(rows: list[dict[str, Any]], window: dict[str, Any]) -> go.Figure:
    if not rows:
        return _days(empty("No check results in these days"), window).update_xaxes(
            visible=True)
    df = pd.DataFrame(rows)
    df["day"] = pd.to_datetime(df["day"], utc=True).dt.tz_localize(None) + pd.Timedelta(hours=12)
    df["pct"] = df["uptime"].astype("float64") * 100
    fig = go.Figure(layout={**SMALL, "hovermode": "x unified"})
    for app, part in df.groupby("application", sort=False):
        label = f'{part["name"].iloc[0]} ({fmt.number(part["overall"].iloc[0] * 100)} %)'
        fig.add_trace(go.Scatter(x=part["day"], y=part["pct"], name=label, mode="lines+markers",
                                 customdata=[f"{fmt.number(p)} %" for p in part["pct"]],
                                 hovertemplate=f"{app}: %{{customdata}}<extra></extra>"))
    floor = max(0.0, float(df["pct"].min()) - 1) if df["pct"].notna().any() else 0
    fig.update_yaxes(range=[floor, 100.5], ticksuffix=" %", tickformat=",.2~f")
    _legend_on_top(fig, len(fig.data), 2)
    return _days(fig, window)


def open_alerts_figure(rows: list[dict[str, Any]], tz: str | None) -> go.Figure:
    if not rows:
        return empty("No alerts")
    df = frame(rows, ("t",), tz)
    fig = go.Figure(go.Scatter(x=df["t"], y=df["open"], mode="lines", line_shape="hv",
                               fill="tozeroy", line={"color": color("firing")},
                               hovertemplate="%{y} open<extra></extra>"), layout=SMALL)
    fig.update_xaxes(**fmt.time_axis(df["t"].min(), df["t"].max()))
    fig.update_yaxes(tickformat=",d", rangemode="tozero", title_text="open")
    return fig
