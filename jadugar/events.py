"""Live events: their names, their rooms, and how a writer publishes one. Free of Flask, so
the collector and the services can publish without loading the web stack.

1. Writers (API, webhooks, collector) call `publish(conn, event, payload)` inside their
   transaction: PostgreSQL NOTIFY delivers it only if the transaction commits.
2. Each web process LISTENs and re-emits every event to Socket.IO rooms
   (jadugar.web.realtime).
3. Rooms: every client is in `dashboard` (summary events); `project:<slug>` and
   `application:<slug>` carry detailed events and are joined with a `subscribe` message or,
   for pages, by the shell when the URL changes (jadugar.web.socket_rooms).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Connection, text

CHANNEL = "jadugar_events"
EVENTS = ("build", "status_update", "milestone", "check_result", "application_status",
          "alert", "metrics", "tests")
DASHBOARD_EVENTS = {"build", "application_status", "alert"}
ROOM = re.compile(r"^(project|application):([A-Za-z0-9][A-Za-z0-9._-]{0,99})$")

def publish(conn: Connection, event: str, payload: dict[str, Any]) -> None:
    """Queue an event; PostgreSQL delivers it only if the transaction commits."""
    body = json.dumps({"event": event, "data": payload}, default=str, separators=(",", ":"))
    conn.execute(text("select pg_notify(:channel, :body)"), {"channel": CHANNEL, "body": body})


def listen(conn: Any) -> None:
    """Start receiving events on a raw autocommit psycopg connection (`conn.notifies()`):
    the other end of `publish`, used by each web process's listener."""
    conn.execute(f"LISTEN {CHANNEL}")


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
