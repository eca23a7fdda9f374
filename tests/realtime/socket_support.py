"""Helpers for the socket security tests: raw Engine.IO WebSockets (to behave as an attacker
would, below python-socketio), plain HTTP calls, a signed-in session cookie, and a
`jadugar serve` of the test's own when it needs different settings."""

from __future__ import annotations

import select
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import websocket
from support_processes import process_env, serving, session_cookie  # noqa: F401 (re-exported)
from support_sockets import api_call  # noqa: F401 (re-exported)


def ws_url(base: str, **query: str) -> str:
    params = urllib.parse.urlencode({"EIO": "4", "transport": "websocket", **query})
    return base.replace("http://", "ws://", 1) + "/socket.io/?" + params


def open_raw(base: str, headers: list[str] | None = None, timeout_s: float = 5,
             **query: str) -> websocket.WebSocket:
    """An Engine.IO WebSocket that never sends the Socket.IO namespace connect."""
    return websocket.create_connection(ws_url(base, **query), timeout=timeout_s,
                                       header=headers or [])


def handshake_status(base: str, headers: dict[str, str] | None = None, **query: str) -> int:
    """The HTTP status of a new long-polling Engine.IO handshake."""
    params = urllib.parse.urlencode({"EIO": "4", "transport": "polling", **query})
    return http_status(f"{base}/socket.io/?{params}", headers=headers)


def http_status(url: str, headers: dict[str, str] | None = None, timeout_s: float = 10) -> int:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


class PingAnswerer:
    """Keeps raw sockets alive the way a patient attacker would: answers every Engine.IO
    ping ("2") with a pong ("3") and sends nothing else."""

    def __init__(self) -> None:
        self.sockets: list[websocket.WebSocket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            live = [ws for ws in list(self.sockets) if ws.connected]
            if not live:
                time.sleep(0.1)
                continue
            readable, _, _ = select.select([ws.sock for ws in live], [], [], 0.2)
            for ws in live:
                if ws.sock in readable:
                    self._answer(ws)

    @staticmethod
    def _answer(ws: websocket.WebSocket) -> None:
        try:
            if ws.recv() == "2":
                ws.send("3")
        except Exception:  # closed under us: the test is ending
            pass

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        for ws in self.sockets:
            ws.close(timeout=1)


@contextmanager
def own_server(database_url: str, tmp_root: Path, **env: str) -> Iterator[str]:
    """A `jadugar serve` with extra settings, for tests that must not share the session's."""
    with serving(process_env(database_url, tmp_root, **env), tmp_root) as base:
        yield base
