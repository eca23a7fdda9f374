"""Figure builders for the monitoring pages. Input: rows already aggregated in SQL; output:
plotly figures. Times arrive in UTC and are converted to the browser's zone here (the page
sends the zone name it reads from Intl.DateTimeFormat), so axes read in local time."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from jadugar.ui.theme import TEMPLATE, color

# The legend sits above the plot, anchored by its bottom edge: anchored by its top (y=1.12)
# it hung down into short charts such as the status band.
LAYOUT = {"margin": {"l": 50, "r": 10, "t": 30, "b": 30}, "hovermode": "x unified",
          "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"}, "template": TEMPLATE}


def local(series: pd.Series, tz: str | None) -> pd.Series:
    """UTC times → the browser's zone; an unknown zone name falls back to UTC."""
    s = pd.to_datetime(series, utc=True)
    try:
        return s.dt.tz_convert(tz or "UTC").dt.tz_localize(None)
    except (KeyError, ValueError, TypeError):
        return s.dt.tz_localize(None)


def frame(rows: list[dict[str, Any]], time_cols: tuple[str, ...], tz: str | None) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for col in time_cols:
        if col in df:
            df[col] = local(df[col], tz)
    return df


def empty(message: str) -> go.Figure:
    fig = go.Figure(layout=LAYOUT)
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def response_time_figure(rows: list[dict[str, Any]], deploys: list[dict[str, Any]],
                         tz: str | None) -> go.Figure:
    """p50 and p95 lines inside a min–max envelope (spikes stay visible), deploy markers."""
    if not rows:
        return empty("No response times in this range")
    df = frame(rows, ("t",), tz)
    fig = go.Figure(layout=LAYOUT)
    fig.add_trace(go.Scatter(x=df["t"], y=df["max"], name="max", mode="lines",
                             line={"width": 0.5, "color": "#d63939"}))
    fig.add_trace(go.Scatter(x=df["t"], y=df["min"], name="min", mode="lines", fill="tonexty",
                             fillcolor="rgba(214,57,57,0.10)",
                             line={"width": 0.5, "color": "#adb5bd"}))
    fig.add_trace(go.Scatter(x=df["t"], y=df["p95"], name="p95", mode="lines",
                             line={"color": "#f0a020"}))
    fig.add_trace(go.Scatter(x=df["t"], y=df["p50"], name="p50", mode="lines",
                             line={"color": "#2f7ed8"}))
    if deploys:
        add_deploy_markers(fig, deploys, tz, y=0)
    fig.update_yaxes(title_text="ms", rangemode="tozero")
    return fig


IMPACT_COLOURS = {"worse": "#9c27b0"}


def add_deploy_markers(fig: go.Figure, deploys: list[dict[str, Any]], tz: str | None,
                       y: float) -> None:
    """One marker trace (not one shape per deploy): cheap to draw with hundreds of builds."""
    d = frame(deploys, ("ts",), tz)
    text = (d["project"] + " #" + d["number"].astype("string").fillna("?") + " "
            + d["kind"] + " " + d["status"] + " (" + d["branch"].fillna("") + ")")
    impact = d["impact"] if "impact" in d else [None] * len(d)
    text = text + [f" · impact: {v}" if isinstance(v, str) else "" for v in impact]
    symbols = ["triangle-up" if k == "deploy" else "line-ns-open" for k in d["kind"]]
    # A deploy that made the application worse (services/deploy_impact.py) stands out.
    colours = [IMPACT_COLOURS.get(v, color(s)) for s, v in zip(d["status"], impact,
                                                               strict=True)]
    fig.add_trace(go.Scatter(x=d["ts"], y=[y] * len(d), mode="markers", name="builds/deploys",
                             text=text, hoverinfo="text+x",
                             marker={"symbol": symbols, "size": 11, "color": colours}))


def status_band_figure(bands: list[dict[str, Any]], tz: str | None) -> go.Figure:
    """Coloured up/degraded/down bands along time, one bar trace per status."""
    if not bands:
        return empty("No results in this range")
    df = frame(bands, ("start", "end"), tz)
    df["ms"] = (df["end"] - df["start"]).dt.total_seconds().clip(lower=1) * 1000
    fig = go.Figure(layout={**LAYOUT, "barmode": "overlay", "hovermode": "closest"})
    for status in ("up", "degraded", "down"):
        part = df[df["status"] == status]
        fig.add_trace(go.Bar(base=part["start"], x=part["ms"], y=["status"] * len(part),
                             orientation="h", name=status, marker_color=color(status),
                             customdata=part[["results"]], hovertemplate=(
                                 f"{status}<br>%{{base}}<br>%{{customdata[0]}} results"
                                 "<extra></extra>")))
    fig.update_xaxes(type="date")
    fig.update_yaxes(visible=False)
    fig.update_layout(height=140, margin={"l": 10, "r": 10, "t": 30, "b": 30})
    return fig


def uptime_day_figure(days: list[dict[str, Any]], tz: str | None) -> go.Figure:
    """Uptime per (UTC) day as bars coloured by the worst status of the day."""
    if not days:
        return empty("No results in this range")
    df = pd.DataFrame(days)
    df["day"] = pd.to_datetime(df["day"], utc=True).dt.strftime("%Y-%m-%d")
    worst = ["down" if d > 0 else "degraded" if g > 0 else "up"
             for d, g in zip(df["down"], df["degraded"], strict=True)]
    fig = go.Figure(go.Bar(x=df["day"], y=df["uptime"] * 100,
                           marker_color=[color(w) for w in worst],
                           hovertemplate="%{x}: %{y:.3f}%<extra></extra>"), layout=LAYOUT)
    fig.update_yaxes(title_text="uptime %", range=[max(0, float(df["uptime"].min()) * 100 - 1),
                                                    100.2])
    fig.update_layout(height=220)
    return fig


def metric_figure(series: list[dict[str, Any]], tz: str | None) -> go.Figure:
    """Several series overlaid; each with its min–max envelope when bucketed."""
    if not series:
        return empty("Choose applications and a metric")
    fig = go.Figure(layout=LAYOUT)
    for s in series:
        if not s["points"]:
            continue
        df = frame(s["points"], ("t",), tz)
        if "min" in df and s.get("envelope"):
            fig.add_trace(go.Scatter(x=df["t"], y=df["max"], mode="lines", showlegend=False,
                                     line={"width": 0}, hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=df["t"], y=df["min"], mode="lines", fill="tonexty",
                                     name=f'{s["label"]} min–max', line={"width": 0},
                                     opacity=0.3))
        fig.add_trace(go.Scatter(x=df["t"], y=df["value"], mode="lines", name=s["label"]))
    return fig
