"""A line under the navbar when pages read a replica that is behind: "Data may be up to N s
behind". Shown only with JADUGAR_READ_DATABASE_URL set and a lag above
JADUGAR_READ_LAG_NOTE_S; never on Settings, which reads the primary.

The lag is asked of the same connection the page's data comes from, so a browser that has
just saved something (and reads the primary, jadugar/web/read_routing.py) sees no note.
Each process asks the replica at most once per CACHE_S, however many browsers are open.
"""

from __future__ import annotations

import math
import threading
import time

from dash import Input, Output, callback, dcc, html, no_update

from jadugar import config, db
from jadugar.services import replica

NOTE = "shell-replica-note"
POLL_MS = 15_000
CACHE_S = 5.0
PRIMARY_PAGES = ("/settings",)

_cache: dict[bool, tuple[float, float | None]] = {}
_lock = threading.Lock()


def components() -> html.Div:
    return html.Div([
        dcc.Interval(id=f"{NOTE}-poll", interval=POLL_MS, disabled=not db.has_replica()),
        html.Div(id=NOTE, className="small text-body-secondary text-end px-3"),
    ])


def note(lag_s: float | None, threshold_s: float) -> str | None:
    if lag_s is None:
        return "Data may be behind: the read replica has not caught up yet."
    if lag_s <= threshold_s:
        return None
    return f"Data may be up to {math.ceil(lag_s)} s behind: pages read a replica that is " \
           "catching up."


def _lag() -> float | None:
    routing = db.current_routing()
    primary = routing is not None and routing.primary
    now = time.monotonic()
    with _lock:
        hit = _cache.get(primary)
        if hit and now - hit[0] < CACHE_S:
            return hit[1]
    with db.read_connection() as conn:
        lag = replica.lag_seconds(conn)
    with _lock:
        _cache[primary] = (now, lag)
    return lag


@callback(Output(NOTE, "children"), Input(f"{NOTE}-poll", "n_intervals"),
          Input("shell-url", "pathname"))
def show_lag(_n: int | None, pathname: str | None):
    if not db.has_replica():
        return no_update
    if (pathname or "").startswith(PRIMARY_PAGES):
        return None
    return note(_lag(), config.get().read_lag_note_s)
