"""Live updates, from a commit to every open page.

1. Writers publish inside their transaction (jadugar.events: names, payloads, rooms).
2. Each web process runs one listener thread on its own autocommit connection
   (`LISTEN jadugar_events`) and re-emits every event to Socket.IO rooms.
3. Rooms: every client is in `dashboard` (summary events); `project:<slug>` and
   `application:<slug>` carry detailed events and are joined with a `subscribe` message or,
   for pages, by the shell when the URL changes (jadugar.web.socket_rooms).

Who may open a socket is decided before the WebSocket upgrade (jadugar.web.socket_auth), and
sockets whose token or user loses access are closed (jadugar.web.socket_sweep).

No Redis: PostgreSQL is the bus, so one web process or many behave the same: each worker
process listens on its own connection and emits to its own sockets only. Clients use the
WebSocket transport, which keeps a whole session on one connection, so no load balancer
needs sticky sessions. Every event also clears this process's aggregate cache
(jadugar.services.cache), as does losing or regaining the database.
"""

from __future__ import annotations

import atexit
import json
import logging
import sys
import threading
import time
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from jadugar import config, db
from jadugar.events import EVENTS, listen, publish, rooms_for
from jadugar.services import cache
from jadugar.timeutil import iso, utcnow
from jadugar.web import selfmetrics

log = logging.getLogger(__name__)
# Not a client event: "move socket `sid` into these rooms", for whichever worker holds it.
ROOMS_EVENT = "_rooms"

socketio: SocketIO | None = None
_listener: Listener | None = None
_caps: Any = None  # socket_auth.SocketCaps of the attached server
_sweeping = False


def dispatch(raw: str) -> None:
    """Turn one NOTIFY payload into Socket.IO emits."""
    try:
        message = json.loads(raw)
        event, data = message["event"], message["data"]
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring a malformed event: %.200s", raw)
        return
    if event == ROOMS_EVENT and isinstance(data, dict):
        _move_rooms(data)
        return
    if event not in EVENTS:
        return
    cache.invalidate()
    if socketio is None:
        return
    data["at"] = iso(utcnow())  # lets a page ask for what it missed after a reconnect
    for room in rooms_for(event, data):
        socketio.emit(event, data, to=room)
        selfmetrics.count_event(event)


class Listener(threading.Thread):
    """LISTEN on PostgreSQL and dispatch; reconnects with backoff when the database goes."""

    def __init__(self, url: str) -> None:
        super().__init__(name="jadugar-listener", daemon=True)
        self.url = url
        self.stopping = threading.Event()
        self.connected = threading.Event()

    def run(self) -> None:
        import psycopg

        backoff = 0.5
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=3) as conn:
                    listen(conn)
                    cache.invalidate()  # events may have gone unheard while away
                    self.connected.set()
                    backoff = 0.5
                    while not self.stopping.is_set():
                        for note in conn.notifies(timeout=1.0):
                            dispatch(note.payload)
            except Exception as exc:  # the database went away: wait and listen again
                self.connected.clear()
                cache.invalidate()
                if self.stopping.is_set():
                    return
                log.warning("event listener lost the database (%s); retrying",
                            str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                time.sleep(backoff)
                backoff = min(backoff * 2, 10)

    def stop(self) -> None:
        self.stopping.set()


def _psycopg_url() -> str:
    url = db.engine().url.render_as_string(hide_password=False)
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def start_listener() -> Listener:
    global _listener
    if _listener is None or not _listener.is_alive():
        _listener = Listener(_psycopg_url())
        _listener.start()
        # At exit the database may go first (tests, `jadugar up`): a stopping listener
        # leaves quietly instead of reporting a lost database.
        atexit.register(_listener.stop)
    return _listener


def stop_listener(timeout_s: float = 5) -> None:
    """Stop this process's listener and wait for it (before the database goes away)."""
    if _listener is not None:
        _listener.stop()
        _listener.join(timeout_s)


def _origins(cfg: config.Config) -> Any:
    raw = cfg.socketio_origins
    if not raw:
        return None  # Flask-SocketIO's default: same origin only
    return "*" if raw.strip() == "*" else [o.strip() for o in raw.split(",") if o.strip()]


def async_mode() -> str:
    """gevent where the process was monkey-patched (`jadugar serve`), threading otherwise
    (`python app.py`, tests). Flask-SocketIO would pick gevent merely because it is
    installed, which breaks an unpatched process."""
    monkey = sys.modules.get("gevent.monkey")
    return "gevent" if monkey is not None and monkey.is_module_patched("socket") else "threading"


def join_rooms(sid: str, wanted: list[str]) -> list[str]:
    """Move a connected client (by sid) into exactly these detail rooms (the shell calls this
    when the page changes). The Dash callback that asks may reach another worker than the
    one holding the socket (no sticky sessions): then the request goes to every worker
    through PostgreSQL, and the one that holds `sid` moves it (`_move_rooms`)."""
    from jadugar.web import socket_rooms

    if socketio is None:
        return []
    if socket_rooms.principal_of(sid) is not None:
        return socket_rooms.move_to(socketio, sid, wanted)
    rooms = socket_rooms.well_formed(wanted)[:socket_rooms.MAX_ROOMS]
    with db.transaction() as conn:
        publish(conn, ROOMS_EVENT, {"sid": sid, "rooms": rooms})
    return rooms


def _move_rooms(data: dict[str, Any]) -> None:
    from jadugar.web import socket_rooms

    sid = data.get("sid")
    if socketio is not None and isinstance(sid, str) and socket_rooms.principal_of(sid):
        socket_rooms.move_to(socketio, sid, data.get("rooms") or [])


def _close_session(eio_sid: str) -> None:
    """End one socket: a Socket.IO DISCONNECT first (so clients do not reconnect), then the
    Engine.IO session itself, which also frees its slot in the per-client cap."""
    if socketio is None:
        return
    server = socketio.server
    sid = server.manager.sid_from_eio_sid(eio_sid, "/")
    if sid is not None:
        server.disconnect(sid, namespace="/")
    server.eio.disconnect(eio_sid)


def _open_sessions() -> list[tuple[str, Any]]:
    """(Engine.IO sid, principal) of every open socket: from the handshake and from the
    namespace connect, which may have named a different token."""
    from jadugar.web import socket_rooms

    if socketio is None or _caps is None:
        return []
    out = list(_caps.open_sessions())
    manager = socketio.server.manager
    for sid, principal in socket_rooms.open_sockets():
        eio_sid = manager.eio_sid_from_sid(sid, "/")
        if eio_sid is not None:
            out.append((eio_sid, principal))
    return out


def _start_sweep(sio: SocketIO) -> None:
    global _sweeping
    from jadugar.web import socket_sweep

    if _sweeping:
        return  # one per process; it follows the module's current `socketio`
    _sweeping = True
    sio.start_background_task(
        socket_sweep.run_forever, _open_sessions,
        # Closing waits for the socket's queue to drain; never let one slow client stall
        # the sweep.
        lambda eio_sid: sio.start_background_task(_close_session, eio_sid), sio.sleep)


def attach(server: Flask) -> SocketIO:
    """Socket.IO on the Flask server, behind the handshake gate, with its handlers, the
    event listener and the access sweep."""
    global socketio, _caps
    from jadugar.web import socket_auth, socket_rooms

    cfg = config.get()
    socketio = SocketIO(server, async_mode=async_mode(), cors_allowed_origins=_origins(cfg))
    _caps = socket_auth.install(server, socketio.server, cfg.sockets_per_client)
    socket_rooms.register(socketio)
    selfmetrics.watch_sockets(socketio.server)
    start_listener()
    _start_sweep(socketio)
    return socketio
