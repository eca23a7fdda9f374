"""python-socketio clients spread over the workers of one `jadugar serve --workers N`, each
keeping what it received."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable

import socketio
from support_processes import connections_by_pid

MOST_CLIENTS = 60


class Inbox:
    """The events of the given names one client has received, in order."""

    def __init__(self) -> None:
        self.got: list[tuple[str, dict]] = []
        self.changed = threading.Condition()

    def add(self, event: str, data: dict) -> None:
        with self.changed:
            self.got.append((event, data))
            self.changed.notify_all()

    def wait_for(self, match: Callable[[str, dict], bool], timeout_s: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: any(match(e, d) for e, d in self.got),
                                         timeout_s)


def connect_over_workers(base: str, token: str, workers: int, events: tuple[str, ...],
                         at_least: int = 8) -> tuple[list[socketio.Client], list[Inbox]]:
    """Open WebSocket clients until each of `workers` processes holds some (the kernel
    decides which worker accepts a connection) and at least `at_least` are open."""
    port = urllib.parse.urlsplit(base).port
    assert port is not None
    clients: list[socketio.Client] = []
    inboxes: list[Inbox] = []
    while len(clients) < MOST_CLIENTS:
        inbox, client = Inbox(), socketio.Client(reconnection=False)
        for name in events:
            client.on(name, lambda data, name=name, inbox=inbox: inbox.add(name, data))
        client.connect(base, headers={"Authorization": f"Bearer {token}"},
                       transports=["websocket"], wait_timeout=10)
        clients.append(client)
        inboxes.append(inbox)
        if len(clients) >= at_least and len(connections_by_pid(port)) >= workers:
            return clients, inboxes
    for client in clients:
        client.disconnect()
    raise AssertionError(f"{MOST_CLIENTS} clients all landed on fewer than {workers} workers: "
                         f"{connections_by_pid(port)}")


def api_call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(
        base + "/api/v1" + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        raw = r.read()
    return json.loads(raw) if raw else {}
