"""Figure builders for the monitoring pages. Input: rows already aggregated in SQL; output:
plotly figures. Times arrive in UTC and are converted to the browser's zone here (the page
sends the zone name it reads from Intl.DateTimeFormat), so axes read in local time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from jadugar.timeutil import utcnow
from jadugar.ui import chart_format as fmt
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


Window = tuple[datetime, datetime]


def response_time_figure(rows: list[dict[str, Any]], deploys: list[dict[str, Any]],
                         tz: str | None, window: Window | None = None) -> go.Figure:
    """p50 and p95 lines inside a min–max envelope (spikes stay visible), deploy markers.

    Durations are scaled to one unit for the whole chart (ms for a web check, min for a
    nightly job); p95 and min–max show only for buckets with enough samples, and sparse
    series get markers so a lone point is seen."""
    if not rows:
        return _pinned(empty("No response times in this range"), window, tz)
    df = frame(rows, ("t",), tz)
    thin = df["count"] < fmt.MIN_BAND_SAMPLES
    for col in ("p95", "min", "max"):
        df[col] = df[col].astype("float64").mask(thin)
    unit, size = fmt.duration_unit(df[["p50", "max"]].max().max())
    mode = "lines+markers" if len(df) <= fmt.MARKER_POINTS else "lines"
    dots = {"marker": {"size": 7}} if mode != "lines" else {}
    fig = go.Figure(layout=LAYOUT)
    if not thin.all():
        fig.add_trace(_duration_trace(df, "max", size, mode="lines",
                                      line={"width": 0.5, "color": "#d63939"}))
        fig.add_trace(_duration_trace(df, "min", size, mode="lines", fill="tonexty",
                                      fillcolor="rgba(214,57,57,0.10)",
                                      line={"width": 0.5, "color": "#adb5bd"}))
        fig.add_trace(_duration_trace(df, "p95", size, mode=mode, line={"color": "#f0a020"},
                                      **dots))
    fig.add_trace(_duration_trace(df, "p50", size, mode=mode, line={"color": "#2f7ed8"},
                                  name=_value_name(df, thin), **dots))
    if deploys:
        add_deploy_markers(fig, deploys, tz, y=0)
    fig.update_yaxes(title_text=unit, rangemode="tozero", tickformat=",.2~f",
                     ticksuffix=f" {unit}")
    return _pinned(fig, window, tz)


def _value_name(df: pd.DataFrame, thin: pd.Series) -> str:
    """p50 while a bucket holds several results; `result` when each point is one result."""
    if not thin.all():
        return "p50"
    return "result" if (df["count"] <= 1).all() else "p50"


def _duration_trace(df: pd.DataFrame, col: str, size: float, **kw: Any) -> go.Scatter:
    """One series in the chart's unit; the hover reads as a person would say it."""
    kw.setdefault("name", col)
    return go.Scatter(x=df["t"], y=df[col] / size,
                      customdata=[fmt.duration_ms(v) for v in df[col]],
                      hovertemplate="%{customdata}", **kw)


def _pinned(fig: go.Figure, window: Window | None, tz: str | None) -> go.Figure:
    """Pin the x axis to the chosen range, so every chart on a page spans the same time."""
    if window is not None:
        start, end = fmt.local_range(*window, tz)
        fig.update_xaxes(visible=True, showgrid=True, **fmt.time_axis(start, end))
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


def status_band_figure(bands: list[dict[str, Any]], tz: str | None,
                       window: Window | None = None, now: datetime | None = None) -> go.Figure:
    """Coloured up/degraded/down bands along time, one bar trace per status."""
    if not bands:
        return _pinned(empty("No results in this range"), window, tz)
    df = frame(bands, ("start", "end"), tz)
    if window is not None:
        # The last status holds until the next result: draw it to the end of the range
        # (else a heartbeat's one daily result is a band one second wide, i.e. nothing).
        until = min(window[1], now or utcnow())
        end = fmt.local_range(until, until, tz)[1]
        df.loc[df.index[-1], "end"] = max(df["end"].iloc[-1], end)
    seconds = (df["end"] - df["start"]).dt.total_seconds()
    df["ms"] = seconds.clip(lower=1) * 1000
    df["lasted"] = [fmt.duration_ms(s * 1000) for s in seconds]
    df["from"] = df["start"].dt.strftime("%b %-d %H:%M")
    fig = go.Figure(layout={**LAYOUT, "barmode": "overlay", "hovermode": "closest"})
    for status in ("up", "degraded", "down"):
        part = df[df["status"] == status]
        fig.add_trace(go.Bar(base=part["start"], x=part["ms"], y=["status"] * len(part),
                             orientation="h", name=status, marker_color=color(status),
                             customdata=part[["results", "from", "lasted"]], hovertemplate=(
                                 f"{status} from %{{customdata[1]}} for %{{customdata[2]}}"
                                 "<br>%{customdata[0]} results<extra></extra>")))
    fig.update_xaxes(type="date")
    fig.update_yaxes(visible=False)
    fig.update_layout(height=140, margin={"l": 10, "r": 10, "t": 30, "b": 30})
    return _pinned(fig, window, tz)


def uptime_day_figure(days: list[dict[str, Any]], tz: str | None,
                      window: Window | None = None) -> go.Figure:
    """Uptime per (UTC) day: the up part coloured by the worst status of the day, the rest
    of the column red, so a 0 % day is a full red column rather than nothing."""
    if not days:
        fig = empty("No results in this range")
        if window is not None:
            fig.update_xaxes(visible=True, **fmt.day_axis(*window))
        return fig
    df = pd.DataFrame(days)
    df["day"] = pd.to_datetime(df["day"], utc=True).dt.tz_localize(None)
    df["up"] = df["uptime"].astype("float64").fillna(0) * 100
    worst = ["down" if d > 0 else "degraded" if g > 0 else "up"
             for d, g in zip(df["down"], df["degraded"], strict=True)]
    label = [f"{fmt.number(u)} % up" for u in df["up"]]
    floor = max(0.0, float(df["up"].min()) - 1)
    common = {"x": df["day"] + pd.Timedelta(hours=12), "width": 86_400_000 * 0.8,
              "customdata": label, "hovertemplate": "%{x|%b %-d}: %{customdata}<extra></extra>"}
    fig = go.Figure(layout={**LAYOUT, "barmode": "overlay", "showlegend": False})
    fig.add_trace(go.Bar(y=df["up"] - floor, base=floor, marker_color=[color(w) for w in worst],
                         name="up", **common))
    fig.add_trace(go.Bar(y=100 - df["up"], base=df["up"], name="down",
                         marker_color=color("down"), opacity=0.35, **common))
    fig.update_yaxes(title_text="uptime %", range=[floor, 100.2], ticksuffix=" %",
                     tickformat=",.2~f")
    start, end = window if window else (df["day"].min(), df["day"].max())
    fig.update_xaxes(**fmt.day_axis(start, end))
    fig.update_layout(height=220)
    return fig


def metric_figure(series: list[dict[str, Any]], tz: str | None,
                  window: Window | None = None) -> go.Figure:
    """Several series overlaid; each with its min–max envelope when bucketed."""
    if not series:
        return empty("Choose applications and a metric")
    if not any(s["points"] for s in series):
        return _pinned(empty("No points in this range"), window, tz)
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
        fig.add_trace(go.Scatter(
            x=df["t"], y=df["value"], name=s["label"],
            mode="lines+markers" if len(df) <= fmt.MARKER_POINTS else "lines",
            customdata=[fmt.number(v) for v in df["value"]], hovertemplate="%{customdata}"))
    fig.update_yaxes(tickformat=",.2~f")
    return _pinned(fig, window, tz)
