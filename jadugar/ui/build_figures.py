"""Plotly figures for the build pages. Each takes an already-aggregated DataFrame from
jadugar.services.build_series and only draws; colours come from the shared theme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from jadugar.ui import chart_format as fmt
from jadugar.ui.theme import P50, TEMPLATE, color

STATUS_ORDER = ("success", "failed", "cancelled", "skipped", "running", "queued")


def _layout(fig: go.Figure, title: str | dict[str, Any] | None = None, height: int = 320,
            **extra: Any) -> go.Figure:
    fig.update_layout(template=TEMPLATE, height=height, title=title,
                      margin={"l": 50, "r": 10, "t": 40 if title else 10, "b": 40},
                      legend={"orientation": "h", "y": -0.2}, hovermode="closest", **extra)
    return fig


def empty(message: str = "No builds in this range") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=240)


Window = tuple[pd.Timestamp, pd.Timestamp]


def _pin(fig: go.Figure, window: Window | None) -> go.Figure:
    """Pin the x axis to the page's range (wall-clock times), so the charts line up."""
    if window is not None:
        fig.update_xaxes(visible=True, **fmt.time_axis(*window))
    return fig


def duration_figure(points: pd.DataFrame, trend: pd.DataFrame,
                    window: Window | None = None) -> go.Figure:
    """Each build a point coloured by status, abnormally long ones ringed, with p50 and p95
    trend lines, in one unit chosen for the longest build (s, min or h); hovers say
    `4 min`, `1 h 5 min`."""
    if points.empty:
        return _pin(empty(), window)
    unit, size = fmt.duration_unit(points["duration_s"].max() * 1000)
    size /= 1000  # seconds per unit
    fig = go.Figure()
    for status in STATUS_ORDER:
        part = points[points["status"] == status]
        if part.empty:
            continue
        took = [fmt.duration_ms(d * 1000) for d in part["duration_s"]]
        fig.add_trace(go.Scattergl(
            x=part["created_at"], y=part["duration_s"] / size, mode="markers", name=status,
            marker={"color": color(status), "size": 5, "opacity": 0.6},
            customdata=list(zip(part["number"].fillna(""), part["branch"].fillna(""), took,
                                strict=True)),
            hovertemplate="#%{customdata[0]} %{customdata[1]}<br>%{customdata[2]}"
                          "<extra></extra>"))
    slow = points[points["anomalous"]] if "anomalous" in points else points.iloc[:0]
    if not slow.empty:
        slow_took = [fmt.duration_ms(d * 1000) for d in slow["duration_s"]]
        fig.add_trace(go.Scattergl(
            x=slow["created_at"], y=slow["duration_s"] / size, mode="markers",
            name="abnormally long", marker={"symbol": "circle-open", "size": 12,
                                            "color": "#d62728", "line": {"width": 2}},
            customdata=list(zip(slow["number"].fillna(""), slow["branch"].fillna(""),
                                slow_took, strict=True)),
            hovertemplate="#%{customdata[0]} %{customdata[1]}<br>%{customdata[2]}, "
                          "abnormally long<extra></extra>"))
    for name, dash in (("p50", "solid"), ("p95", "dot")):
        fig.add_trace(go.Scatter(x=trend["bucket"], y=trend[name] / size, mode="lines",
                                 name=name, line={"color": P50, "dash": dash, "width": 2},
                                 customdata=[fmt.duration_ms(v * 1000) for v in trend[name]],
                                 hovertemplate=f"{name} %{{customdata}}<extra></extra>"))
    fig.update_yaxes(ticksuffix=f" {unit}", tickformat=",.2~f")
    return _pin(_layout(fig, yaxis_title=unit), window)


def success_rate_figure(df: pd.DataFrame, window: Window | None = None) -> go.Figure:
    if df.empty or df["finished"].sum() == 0:
        return _pin(empty(), window)
    fig = go.Figure(go.Scatter(
        x=df["bucket"], y=df["success_rate"] * 100, mode="lines+markers",
        line={"color": color("success")}, customdata=df["finished"],
        hovertemplate="%{y:.1f}% of %{customdata} builds<extra></extra>"))
    return _pin(_layout(fig, yaxis={"title": "% successful", "range": [0, 105]}), window)


def outcomes_figure(df: pd.DataFrame, window: Window | None = None) -> go.Figure:
    """Builds per bucket, stacked by status."""
    if df.empty:
        return _pin(empty(), window)
    fig = go.Figure()
    for status in STATUS_ORDER:
        part = df[df["status"] == status]
        if not part.empty:
            fig.add_trace(go.Bar(x=part["bucket"], y=part["builds"], name=status,
                                 marker_color=color(status)))
    return _pin(_layout(fig, barmode="stack", yaxis_title="builds"), window)


def stage_figure(df: pd.DataFrame, sample: int | None = None) -> go.Figure:
    """Median duration per stage, with a marker at p95. When the query hit its sample cap
    (`sample` builds), the title says the chart covers only the latest builds."""
    if df.empty:
        return empty("No stages recorded in this range")
    fig = go.Figure([
        go.Bar(y=df["stage"], x=df["p50"] / 60, orientation="h", name="p50",
               marker_color=color("running")),
        go.Scatter(y=df["stage"], x=df["p95"] / 60, mode="markers", name="p95",
                   marker={"symbol": "line-ns-open", "size": 18, "color": P50}),
    ])
    fig.update_yaxes(autorange="reversed")
    capped = sample is not None and "builds" in df and int(df["builds"].max()) >= sample
    title = {"text": f"latest {sample:,} builds of the range", "font": {"size": 12}} \
        if capped else None
    return _layout(fig, title=title, xaxis_title="minutes",
                   height=max(200, 40 * len(df) + 80))


def sparkline(df: pd.DataFrame) -> go.Figure:
    """The last builds of a project as small bars: height = duration, colour = status."""
    fig = go.Figure(go.Bar(x=list(range(len(df))), y=df["duration_s"].fillna(0) / 60,
                           marker_color=[color(s) for s in df["status"]],
                           hoverinfo="skip"))
    fig.update_layout(template=TEMPLATE, height=40, width=160, bargap=0.15,
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def burnup_figure(df: pd.DataFrame) -> go.Figure:
    """Per milestone: progress snapshots as a step line, and the ideal straight line from
    0 % at creation to 100 % on the due date."""
    if df.empty:
        return empty("No milestones yet")
    fig = go.Figure()
    palette = ["#2f7ed8", "#8e44ad", "#16a085", "#d35400", "#c0392b", "#7f8c8d"]
    for n, (mid, part) in enumerate(df.groupby("id", sort=False)):
        first = part.iloc[0]
        hue = palette[n % len(palette)]
        snaps = part.dropna(subset=["ts"])
        fig.add_trace(go.Scatter(x=snaps["ts"], y=snaps["value"], mode="lines+markers",
                                 line={"shape": "hv", "color": hue}, name=first["title"],
                                 legendgroup=str(mid)))
        if pd.notna(first["due_on"]):
            due = datetime.combine(first["due_on"], datetime.min.time(), UTC)
            fig.add_trace(go.Scatter(x=[first["created_at"], due], y=[0, 100], mode="lines",
                                     line={"dash": "dash", "color": hue, "width": 1},
                                     name=f"{first['title']} (ideal)", legendgroup=str(mid),
                                     showlegend=False))
    return _layout(fig, yaxis={"title": "% done", "range": [0, 105]})


def gantt_figure(stages: list[dict[str, Any]]) -> go.Figure:
    """The stages of one build on a time axis, coloured by status."""
    rows = [s for s in stages if s.get("started_at")]
    if not rows:
        return empty("No stage times recorded for this build")
    now = datetime.now(UTC)
    fig = go.Figure()
    for s in rows:
        start = pd.Timestamp(s["started_at"])
        end = pd.Timestamp(s["finished_at"]) if s.get("finished_at") else pd.Timestamp(now)
        width_ms = max((end - start) / timedelta(milliseconds=1), 500)
        slow = bool((s.get("duration_anomaly") or {}).get("anomalous"))
        fig.add_trace(go.Bar(
            y=[s["name"]], x=[width_ms], base=[start], orientation="h",
            marker_color=color(s["status"]), name=s["status"], showlegend=False,
            # An abnormally long stage (services/duration_anomaly.py) is outlined.
            marker_line={"color": "#d62728", "width": 3} if slow else None,
            hovertemplate=f"{s['name']}: {s['status']}<br>{width_ms / 1000:.0f} s"
                          + (", abnormally long" if slow else "") + "<extra></extra>"))
    fig.update_xaxes(type="date")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, height=max(200, 36 * len(rows) + 80))
