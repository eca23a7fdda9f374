"""The Socket.IO side of a live-update socket: who it is, which rooms it is in.

Every connected socket (by Socket.IO sid) remembers the principal it authenticated as, so
rooms are checked against it and the sweep (jadugar.web.socket_sweep) can close it when that
access is withdrawn. A socket is in `dashboard` plus at most MAX_ROOMS detail rooms: joins
were unbounded before, and 2,000 subscribes grew the process by 68 MB.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import request
from flask_socketio import SocketIO, join_room

from jadugar import events, policy
from jadugar.web.socket_auth import Principal, identify

MAX_ROOMS = 100
_principals: dict[str, Principal] = {}
_lock = threading.Lock()


# A room carries the same data as the page it serves, so it needs that page's action.
_ROOM_ACTIONS = {"project": "builds.read", "application": "monitoring.read"}


def _may_subscribe(principal: Principal, room: str) -> bool:
    """May `principal` receive the events of `room` (project:<slug> or application:<slug>)?
    Decided by the policy table, like every route and callback."""
    who = principal.policy_principal()
    kind = room.split(":", 1)[0]
    return (policy.allowed(who, "live.subscribe")
            and policy.allowed(who, _ROOM_ACTIONS.get(kind, "unlisted")))


def principal_of(sid: str) -> Principal | None:
    return _principals.get(sid)


def open_sockets() -> list[tuple[str, Principal]]:
    with _lock:
        return list(_principals.items())


def _error(code: str, message: str) -> dict[str, Any]:
    return {"rooms": [], "error": {"code": code, "message": message}}


def well_formed(wanted: Any) -> list[str]:
    """The distinct well-formed detail rooms in `wanted`, in order; anything else is dropped
    (the dashboard room and other sids' rooms cannot be asked for)."""
    if not isinstance(wanted, list):
        return []
    return list(dict.fromkeys(r for r in wanted if isinstance(r, str) and events.ROOM.match(r)))


def detail_rooms(sio: SocketIO, sid: str) -> list[str]:
    return [r for r in sio.server.rooms(sid, namespace="/") if events.ROOM.match(r)]


def subscribe(sio: SocketIO, sid: str, wanted: Any) -> dict[str, Any]:
    """Join detail rooms, all or none: refused past MAX_ROOMS or where the policy says no."""
    principal = principal_of(sid)
    if principal is None:
        return _error("unauthorized", "this socket is not signed in")
    if isinstance(wanted, list) and len(wanted) > MAX_ROOMS:
        return _error("too_many_rooms", f"a socket may be in at most {MAX_ROOMS} rooms")
    rooms = well_formed(wanted)
    refused = [r for r in rooms if not _may_subscribe(principal, r)]
    if refused:
        return _error("forbidden", f"you may not read {refused[0]}")
    current = set(detail_rooms(sio, sid))
    new = [r for r in rooms if r not in current]
    if len(current) + len(new) > MAX_ROOMS:
        return _error("too_many_rooms", f"a socket may be in at most {MAX_ROOMS} rooms; "
                                        "unsubscribe from some first")
    for room in new:
        sio.server.enter_room(sid, room, namespace="/")
    return {"rooms": rooms}


def unsubscribe(sio: SocketIO, sid: str, wanted: Any) -> dict[str, Any]:
    current = set(detail_rooms(sio, sid))
    for room in well_formed(wanted):
        if room in current:
            sio.server.leave_room(sid, room, namespace="/")
    return {"rooms": [r for r in sio.server.rooms(sid, namespace="/") if r != sid]}


def move_to(sio: SocketIO, sid: str, wanted: list[str]) -> list[str]:
    """Put a connected socket in exactly these detail rooms (the shell does this when the
    page changes); rooms its principal may not read are left out."""
    principal = principal_of(sid)
    if principal is None:
        return []
    allowed = [r for r in well_formed(wanted)[:MAX_ROOMS] if _may_subscribe(principal, r)]
    for room in detail_rooms(sio, sid):
        if room not in allowed:
            sio.server.leave_room(sid, room, namespace="/")
    for room in allowed:
        sio.server.enter_room(sid, room, namespace="/")
    return allowed


def register(sio: SocketIO) -> None:
    """The connect, disconnect, subscribe and unsubscribe handlers."""

    @sio.on("connect")
    def _connect(auth_payload: Any = None):
        # The handshake gate (socket_auth.SocketGate) already refused strangers; checking
        # again here keeps the namespace closed should the gate ever be bypassed.
        principal = identify(auth_payload)
        if principal is None:
            return False
        with _lock:
            _principals[request.sid] = principal  # type: ignore[attr-defined]
        join_room("dashboard")
        path = auth_payload.get("pathname") if isinstance(auth_payload, dict) else None
        for room in events.rooms_for_path(path):
            if _may_subscribe(principal, room):
                join_room(room)
        return True

    @sio.on("disconnect")
    def _disconnect(*_reason: Any):
        with _lock:
            _principals.pop(request.sid, None)  # type: ignore[attr-defined]

    @sio.on("subscribe")
    def _subscribe(message: Any):
        wanted = message.get("rooms") if isinstance(message, dict) else None
        return subscribe(sio, request.sid, wanted)  # type: ignore[attr-defined]

    @sio.on("unsubscribe")
    def _unsubscribe(message: Any):
        wanted = message.get("rooms") if isinstance(message, dict) else None
        return unsubscribe(sio, request.sid, wanted)  # type: ignore[attr-defined]
