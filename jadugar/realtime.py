"""Live updates, from a commit to every open page.

1. Writers (API, webhooks, collector) call `publish(conn, event, payload)` inside their
   transaction: PostgreSQL NOTIFY delivers it only if the transaction commits.
2. Each web process runs one listener thread on its own autocommit connection
   (`LISTEN jadugar_events`) and re-emits every event to Socket.IO rooms.
3. Rooms: every client is in `dashboard` (summary events); `project:<slug>` and
   `application:<slug>` carry detailed events and are joined with a `subscribe` message or,
   for pages, by the shell when the URL changes.

No Redis: PostgreSQL is the bus, so one web process or many behave the same (each process
listens and serves its own sockets; a load balancer keeps a client on one process).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from typing import Any

from flask import Flask, request
from flask_login import current_user
from flask_socketio import SocketIO, join_room, leave_room, rooms
from sqlalchemy import Connection, text

from jadugar import auth, config, db
from jadugar.timeutil import iso, utcnow

log = logging.getLogger(__name__)
CHANNEL = "jadugar_events"
EVENTS = ("build", "status_update", "milestone", "check_result", "application_status",
          "alert", "metrics")
DASHBOARD_EVENTS = {"build", "application_status", "alert"}
ROOM = re.compile(r"^(project|application):([A-Za-z0-9][A-Za-z0-9._-]{0,99})$")

socketio: SocketIO | None = None
_listener: Listener | None = None


def publish(conn: Connection, event: str, payload: dict[str, Any]) -> None:
    """Queue an event; PostgreSQL delivers it only if the transaction commits."""
    body = json.dumps({"event": event, "data": payload}, default=str, separators=(",", ":"))
    conn.execute(text("select pg_notify(:channel, :body)"), {"channel": CHANNEL, "body": body})


def rooms_for(event: str, data: dict[str, Any]) -> list[str]:
    """Where an event goes: summaries to the dashboard, details to the entity's room."""
    out = ["dashboard"] if event in DASHBOARD_EVENTS else []
    if data.get("project"):
        out.append(f"project:{data['project']}")
    if data.get("application"):
        out.append(f"application:{data['application']}")
    return out


def rooms_for_path(path: str | None) -> list[str]:
    """The detail rooms a page at `path` wants."""
    parts = [p for p in (path or "").split("/") if p]
    if len(parts) >= 2 and parts[0] == "builds":
        return [f"project:{parts[1]}"]
    if len(parts) >= 2 and parts[0] == "monitoring" and parts[1] != "metrics":
        return [f"application:{parts[1]}"]
    return []


def dispatch(raw: str) -> None:
    """Turn one NOTIFY payload into Socket.IO emits."""
    try:
        message = json.loads(raw)
        event, data = message["event"], message["data"]
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring a malformed event: %.200s", raw)
        return
    if event not in EVENTS or socketio is None:
        return
    data["at"] = iso(utcnow())  # lets a page ask for what it missed after a reconnect
    for room in rooms_for(event, data):
        socketio.emit(event, data, to=room)


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
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    backoff = 0.5
                    while not self.stopping.is_set():
                        for note in conn.notifies(timeout=1.0):
                            dispatch(note.payload)
            except Exception as exc:  # the database went away: wait and listen again
                self.connected.clear()
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
    return _listener


def _origins(cfg: config.Config) -> Any:
    raw = cfg.socketio_origins
    if not raw:
        return None  # Flask-SocketIO's default: same origin only
    return "*" if raw.strip() == "*" else [o.strip() for o in raw.split(",") if o.strip()]


def _reader(auth_payload: Any) -> bool:
    """May this connection read? A signed-in session, a token with read scope, or an
    anonymous visitor when anonymous view is on."""
    if current_user and current_user.is_authenticated:
        return True
    token = auth_payload.get("token") if isinstance(auth_payload, dict) else None
    if isinstance(token, str) and token:
        with db.transaction() as conn:
            scope = auth.token_scope(conn, token)
        return scope is not None and auth.allows(scope, "read")
    return bool(config.get().anonymous_view)


def _allowed_rooms(wanted: Any) -> list[str]:
    """Only well-formed detail rooms; every reader may read every project and application,
    so this is where per-entity permissions will plug in."""
    if not isinstance(wanted, list):
        return []
    return [r for r in wanted[:50] if isinstance(r, str) and ROOM.match(r)]


def join_rooms(sid: str, wanted: list[str]) -> list[str]:
    """Move a connected client (by sid) into exactly these detail rooms (the shell calls this
    when the page changes)."""
    if socketio is None:
        return []
    allowed = _allowed_rooms(wanted)
    server = socketio.server
    for room in list(server.rooms(sid, namespace="/")):
        if ROOM.match(room) and room not in allowed:
            server.leave_room(sid, room, namespace="/")
    for room in allowed:
        server.enter_room(sid, room, namespace="/")
    return allowed


def attach(server: Flask) -> SocketIO:
    global socketio
    socketio = SocketIO(server, async_mode="threading",
                        cors_allowed_origins=_origins(config.get()))

    @socketio.on("connect")
    def _connect(auth_payload: Any = None):
        if not _reader(auth_payload):
            return False  # refused: no session, no valid token
        join_room("dashboard")
        path = auth_payload.get("pathname") if isinstance(auth_payload, dict) else None
        for room in rooms_for_path(path):
            join_room(room)
        return True

    @socketio.on("subscribe")
    def _subscribe(message: Any):
        wanted = message.get("rooms") if isinstance(message, dict) else None
        allowed = _allowed_rooms(wanted)
        for room in allowed:
            join_room(room)
        return {"rooms": allowed}

    @socketio.on("unsubscribe")
    def _unsubscribe(message: Any):
        wanted = message.get("rooms") if isinstance(message, dict) else None
        for room in _allowed_rooms(wanted):
            if room in rooms():
                leave_room(room)
        return {"rooms": [r for r in rooms() if r != request.sid]}

    start_listener()
    return socketio
