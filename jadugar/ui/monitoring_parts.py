"""Dash pieces shared by the monitoring pages: the browser time-zone store, uptime bars,
the time-range picker and small formatters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, clientside_callback, html

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


def zoom_sets_range(prefix: str, graphs: list[str]) -> None:
    """Drag-to-zoom on any of `graphs` makes the zoomed span the page's custom range, as
    Grafana does: the picker shows it, the URL keeps it (the page's own callback) and every
    chart redraws for it. Runs in the browser; a double-click (autorange) changes nothing.
    The axes read wall-clock times of the browser's zone, as the datetime-local inputs do."""
    clientside_callback(
        """(...layouts) => {
            const skip = window.dash_clientside.no_update;
            const trig = (window.dash_clientside.callback_context.triggered || [])[0];
            const ids = window.dash_clientside.callback_context.inputs_list.map(i => i.id);
            const lay = trig && layouts[ids.indexOf(trig.prop_id.split('.')[0])];
            const a = lay && (lay['xaxis.range[0]'] || (lay['xaxis.range'] || [])[0]);
            const b = lay && (lay['xaxis.range[1]'] || (lay['xaxis.range'] || [])[1]);
            if (!a || !b) return [skip, skip, skip];
            const minute = (t) => String(t).replace(' ', 'T').slice(0, 16);
            if (minute(a) >= minute(b)) return [skip, skip, skip];
            return ['custom', minute(a), minute(b)];
        }""",
        Output(f"{prefix}-range", "value", allow_duplicate=True),
        Output(f"{prefix}-since", "value", allow_duplicate=True),
        Output(f"{prefix}-until", "value", allow_duplicate=True),
        *[Input(g, "relayoutData") for g in graphs], prevent_initial_call=True,
    )


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
