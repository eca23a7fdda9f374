"""One clock: the database and the server speak UTC; people see their browser's time zone.

The shell fills one store with the browser's IANA zone name when the app loads; pages take
`Input(TZ, "data")` (or State) and format with `local_time`, so a zone change is one place.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from dash import Input, Output, clientside_callback, dcc, html

TZ = "shell-tz"


def components() -> html.Div:
    return html.Div([dcc.Store(id=TZ),
                     dcc.Interval(id=f"{TZ}-tick", max_intervals=1, interval=1)])


clientside_callback(
    "() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'",
    Output(TZ, "data"), Input(f"{TZ}-tick", "n_intervals"),
)


def local_time(value: datetime | None, tz: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """`value` (UTC) in the zone `tz`; falls back to UTC, saying so, for an unknown zone."""
    if value is None:
        return "–"
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    try:
        return ts.tz_convert(tz or "UTC").strftime(fmt)
    except (KeyError, ValueError, TypeError):
        return ts.tz_convert("UTC").strftime(fmt + " UTC")


def localise(df: pd.DataFrame, tz: str | None, columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy of `df` with the given UTC time columns shown in `tz` (charts draw wall time)."""
    if not tz or df is None or df.empty:
        return df
    out = df.copy()
    for col in columns:
        if col in out and isinstance(out[col].dtype, pd.DatetimeTZDtype):
            try:
                out[col] = out[col].dt.tz_convert(tz)
            except (KeyError, ValueError):
                return df  # an unknown zone: keep UTC rather than fail the chart
    return out
