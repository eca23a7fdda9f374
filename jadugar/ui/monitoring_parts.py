"""Dash pieces shared by the monitoring pages: the browser time-zone store, uptime bars,
the time-range picker and small formatters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from jadugar.errors import Invalid
from jadugar.services.ranges import RANGES, resolve
from jadugar.ui.chart_format import duration_ms


# The browser tells the server its zone once per page; figures and tables convert UTC to it.
def uptime_bars(bars: list[dict[str, Any]] | None, height: int = 22) -> html.Div:
    """Status-page style bars: one span per interval, coloured by its worst status. Colours
    come from CSS classes (assets/monitoring.css, same palette as theme.py) so 25 rows x 90
    bars stay a small payload."""
    spans = [html.Span(className=f'ub-{b["status"]}',
                       title=f'{b["t"][:16].replace("T", " ")} UTC '
                             + ("no data" if b["uptime"] is None else f'{b["uptime"]:.2%}'))
             for b in bars or []]
    return html.Div(spans, className="uptime-bars", style={"height": height})


def range_picker(prefix: str, value: str, since: str | None, until: str | None) -> dbc.Row:
    options = [{"label": k, "value": k} for k in RANGES] + [{"label": "custom",
                                                               "value": "custom"}]
    return dbc.Row([
        dbc.Col(dbc.RadioItems(id=f"{prefix}-range", options=options, value=value, inline=True,
                               className="btn-group flex-wrap", inputClassName="btn-check",
                               labelClassName="btn btn-sm btn-outline-primary",
                               labelCheckedClassName="active"), xs=12, lg="auto"),
        dbc.Col(dbc.Input(id=f"{prefix}-since", type="datetime-local", value=since,
                          size="sm", placeholder="since"), xs=6, lg=2),
        dbc.Col(dbc.Input(id=f"{prefix}-until", type="datetime-local", value=until,
                          size="sm", placeholder="until"), xs=6, lg=2),
    ], className="g-2 align-items-center mb-3")


def ms(value: float | None) -> str:
    """A response time or job run time: `94 ms`, or `18 min` for a nightly job."""
    return duration_ms(value)


def window(range_: str | None, since: str | None, until: str | None,
           tz: str | None) -> tuple[datetime, datetime]:
    """The UTC (since, until) of the picker. Custom values come from datetime-local inputs,
    i.e. wall-clock times in the browser's zone."""
    if range_ != "custom":
        return resolve(range_ or "24h")
    return resolve("custom", _wall_to_utc(since, tz, "since"), _wall_to_utc(until, tz, "until"))


def _wall_to_utc(value: str | None, tz: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        ts = pd.Timestamp(value)
    except ValueError:
        raise Invalid(f"{field} must be a date and time", field=field) from None
    if ts.tzinfo is None:
        try:
            ts = ts.tz_localize(tz or "UTC", nonexistent="shift_forward", ambiguous=True)
        except (KeyError, ValueError, TypeError):
            ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").to_pydatetime()
