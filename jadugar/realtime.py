"""Live updates: writers NOTIFY inside their transaction, each web process LISTENs and
re-emits to Socket.IO rooms. (Foundation: the server and its connect check.)"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask
from flask_login import current_user
from flask_socketio import SocketIO, join_room
from sqlalchemy import Connection, text

from jadugar import auth, config, db

log = logging.getLogger(__name__)
CHANNEL = "jadugar_events"

socketio: SocketIO | None = None


def publish(conn: Connection, event: str, payload: dict[str, Any]) -> None:
    """Queue an event; PostgreSQL delivers it only if the transaction commits."""
    conn.execute(text("select pg_notify(:channel, :body)"),
                 {"channel": CHANNEL, "body": json.dumps({"event": event, "data": payload},
                                                          default=str)})


def _origins(cfg: config.Config) -> Any:
    raw = cfg.socketio_origins
    if not raw:
        return None  # Flask-SocketIO's default: same origin only
    return "*" if raw.strip() == "*" else [o.strip() for o in raw.split(",") if o.strip()]


def attach(server: Flask) -> SocketIO:
    global socketio
    socketio = SocketIO(server, async_mode="threading",
                        cors_allowed_origins=_origins(config.get()))

    @socketio.on("connect")
    def _connect(auth_payload: dict[str, Any] | None = None):
        if not _allowed(auth_payload):
            return False
        join_room("dashboard")
        return True

    return socketio


def _allowed(auth_payload: dict[str, Any] | None) -> bool:
    if current_user and current_user.is_authenticated:
        return True
    token = (auth_payload or {}).get("token") if isinstance(auth_payload, dict) else None
    if isinstance(token, str) and token:
        with db.transaction() as conn:
            scope = auth.token_scope(conn, token)
        return scope is not None and auth.allows(scope, "read")
    return bool(config.get().anonymous_view)
