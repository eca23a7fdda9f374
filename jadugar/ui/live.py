"""The browser end of live updates: one Socket.IO connection in the shell, shared by pages.

Pages listen with `Input(SIO, "data-<event>")`. The shell moves the socket into the rooms of
the page being shown, shows the connection state, raises a toast for new alerts and, after a
reconnect, tells pages to catch up (`Input(RESYNC, "data")` carries the last event time).

The socket uses the WebSocket transport only: a long-polling session is a series of HTTP
requests that must all reach the same web worker (sticky sessions), while a WebSocket is one
connection, served start to end by the worker that accepted it. So `jadugar serve --workers N`
and a plain round-robin proxy need no affinity.
"""

from __future__ import annotations

from datetime import timedelta

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html, no_update
from dash_socketio import DashSocketIO

from jadugar import db, events
from jadugar.services import build_reads
from jadugar.timeutil import iso, utcnow
from jadugar.web import realtime

SIO = "shell-sio"
RESYNC = "shell-resync"
PROGRESS = {"type": "builds-progress", "build": ALL}
# No long-polling, not even to start: see the module docstring.
SOCKET_OPTIONS = {"transports": ["websocket"]}


# After this long without the server, "reconnecting" becomes "offline" and the page says
# what it shows may be stale. Tests shorten it with `window.JADUGAR_OFFLINE_MS`.
OFFLINE_MS = 30_000


def components() -> html.Div:
    return html.Div([
        DashSocketIO(id=SIO, eventNames=list(events.EVENTS), options=SOCKET_OPTIONS),
        dcc.Store(id="shell-live-state", data={"ever": False}),
        # Ticks in the browser only (a clientside callback): no request while offline.
        dcc.Interval(id="shell-live-clock", interval=2000),
        dbc.Alert([html.I(className="bi bi-wifi-off me-2"),
                   html.Span("Offline: the server has not answered for a while, so this page "
                             "may be out of date and links may not load. It updates again by "
                             "itself once the server is back.", id="shell-stale-text")],
                  id="shell-stale", color="warning", is_open=False,
                  className="mx-3 py-2 small"),
        dcc.Store(id="shell-last-event"),
        dcc.Store(id=RESYNC),
        dcc.Store(id="shell-rooms"),
    ])


clientside_callback(
    f"""(connected, _tick, _path, state) => {{
        // Connected: live. Lost after being live: reconnecting, then offline (with the
        // stale-page notice) once OFFLINE_MS have passed. Never connected yet: offline.
        // Following a link while the server is away may leave the old page showing: say so
        // at once.
        const skip = window.dash_clientside.no_update;
        const ever = state && state.ever, lostAt = state && state.lostAt;
        if (connected) {{
            if (ever && !lostAt) return [skip, skip, skip, skip];
            return ['live', 'success', {{ever: true, lostAt: null}}, false];
        }}
        if (!ever) return ['offline', 'secondary', skip, false];
        const now = Date.now(), since = lostAt || now;
        const limit = window.JADUGAR_OFFLINE_MS || {OFFLINE_MS};
        const moved = (window.dash_clientside.callback_context.triggered || [])
            .some(t => t.prop_id === 'shell-url.pathname');
        const navigated = moved || (state && state.navigated);
        const next = (lostAt && !moved) ? skip
            : {{ever: true, lostAt: since, navigated: navigated}};
        return now - since >= limit ? ['offline', 'danger', next, true]
            : ['reconnecting', 'warning', next, Boolean(navigated)];
    }}""",
    Output("shell-live", "children"), Output("shell-live", "color"),
    Output("shell-live-state", "data"), Output("shell-stale", "is_open"),
    Input(SIO, "connected"), Input("shell-live-clock", "n_intervals"),
    Input("shell-url", "pathname"), State("shell-live-state", "data"),
)

clientside_callback(
    "(...events) => { const at = events.filter(e => e && e.at).map(e => e.at).sort().pop();"
    " return at || window.dash_clientside.no_update; }",
    Output("shell-last-event", "data"),
    *[Input(SIO, f"data-{name}") for name in events.EVENTS],
)

clientside_callback(
    """(connected, state, last) => {
        // A reconnect (not the first connect): ask pages to fetch what they missed.
        if (!connected || !(state && state.ever) || !last) return window.dash_clientside.no_update;
        return {since: last, at: Date.now()};
    }""",
    Output(RESYNC, "data"),
    Input(SIO, "connected"), State("shell-live-state", "data"), State("shell-last-event", "data"),
)

# Only when an event arrives: not when bars are drawn (a redrawn table), which would put the
# last event's progress, perhaps older than what the table just read, back on them.
clientside_callback(
    """(build, ids) => {
        // Move a running build's progress bar in place, without re-running the page.
        const skip = window.dash_clientside.no_update;
        if (!build) return [ids.map(() => skip), ids.map(() => skip)];
        const hit = (id) => String(id.build) === String(build.id) && build.progress != null;
        return [ids.map(id => hit(id) ? build.progress : skip),
                ids.map(id => hit(id) ? build.progress + '%' : skip)];
    }""",
    Output(PROGRESS, "value"), Output(PROGRESS, "label"),
    Input(SIO, "data-build"), State(PROGRESS, "id"), prevent_initial_call=True,
)


@callback(Output("shell-rooms", "data"), Input("shell-url", "pathname"),
          Input(SIO, "socketId"))
def join_page_rooms(pathname: str | None, sid: str | None):
    if not sid:
        return no_update
    return realtime.join_rooms(sid, events.rooms_for_path(pathname))


@callback(Output("shell-toasts", "children"), Input(SIO, "data-alert"),
          prevent_initial_call=True)
def alert_toast(alert: dict | None):
    if not alert or alert.get("state") != "firing":
        return no_update
    return dbc.Toast(
        alert.get("title") or "Alert", header=f"Alert · {alert.get('application') or ''}",
        icon="danger", duration=10000, dismissable=True, is_open=True,
        id={"type": "shell-toast", "alert": alert.get("id")})


@callback(Output(PROGRESS, "value", allow_duplicate=True),
          Output(PROGRESS, "label", allow_duplicate=True),
          Input(RESYNC, "data"), State(PROGRESS, "id"), prevent_initial_call=True)
def catch_up_progress(_resync: dict | None, ids: list[dict]):
    """After a reconnect, read the current progress of the bars on the page."""
    if not ids:
        return [], []
    with db.connection() as conn:
        rows = build_reads.progress_of(conn, [int(i["build"]) for i in ids])
    values = [rows.get(int(i["build"])) for i in ids]
    return ([v if v is not None else no_update for v in values],
            [f"{v}%" if v is not None else no_update for v in values])


def follow(prefix: str, events: tuple[str, ...], key: str | None = None) -> None:
    """Turn live events into a throttled redraw signal for one page: `{prefix}-refresh`.

    Call once at import of the page module; put `follow_components(prefix, every_ms)` in its
    layout and take `Input(f"{prefix}-refresh", "data")` in the callbacks that draw. With
    `key` ("project" or "application"), only events whose payload names the page's entity
    (the data of the `{prefix}-slug` store) count. A reconnect always counts: the page may
    have missed something. However many events arrive, the page redraws at most once a tick.
    """
    match = f"e && e.{key} === slug" if key else "e"
    clientside_callback(
        f"""(...args) => {{
            const slug = args.pop(), resync = args.pop();
            return (args.some(e => {match}) || resync) ? Date.now()
                : window.dash_clientside.no_update;
        }}""",
        Output(f"{prefix}-dirty", "data"),
        *[Input(SIO, f"data-{event}") for event in events], Input(RESYNC, "data"),
        State(f"{prefix}-slug", "data"), prevent_initial_call=True,
    )
    # An event the browser heard before this page arrived (its content was read, then the
    # write committed, then the event overtook the answer) would otherwise be lost for it:
    # on arrival, the page reads again if the last event is newer than its own reading.
    clientside_callback(
        """(asof, last) => (asof && last && Date.parse(last) > Date.parse(asof)) ? Date.now()
            : window.dash_clientside.no_update""",
        Output(f"{prefix}-dirty", "data", allow_duplicate=True),
        Input(f"{prefix}-asof", "data"), State("shell-last-event", "data"),
        prevent_initial_call="initial_duplicate",
    )
    clientside_callback(
        """(tick, dirty, refreshed) => (dirty && dirty > (refreshed || 0)) ? Date.now()
            : window.dash_clientside.no_update""",
        Output(f"{prefix}-refresh", "data"),
        Input(f"{prefix}-tick", "n_intervals"), State(f"{prefix}-dirty", "data"),
        State(f"{prefix}-refresh", "data"), prevent_initial_call=True,
    )


def follow_components(prefix: str, every_ms: int, slug: str | None = None) -> html.Div:
    """The stores and the tick behind `follow`; `slug` is the entity the page shows."""
    # Taken a second early: a page may read its data before or after calling this.
    asof = iso(utcnow() - timedelta(seconds=1))
    return html.Div([dcc.Store(id=f"{prefix}-slug", data=slug),
                     dcc.Store(id=f"{prefix}-asof", data=asof),
                     dcc.Store(id=f"{prefix}-dirty", data=0),
                     dcc.Store(id=f"{prefix}-refresh", data=0),
                     dcc.Interval(id=f"{prefix}-tick", interval=every_ms)])
