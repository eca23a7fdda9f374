"""Demo: Jadugar watching itself. An application "Jadugar" with a prometheus check on the
server's own /metrics, read with an API token of the read scope that the demo creates (the
check stores it encrypted, like any secret header). See docs/self-metrics.md."""

from __future__ import annotations

from sqlalchemy import Connection

from jadugar import auth
from jadugar.services import applications, checks

SLUG = "jadugar"
SERIES = ["jadugar_socketio_open_sockets", "jadugar_collector_up",
          "jadugar_collector_checks_per_second"]


def load(conn: Connection, *, self_url: str) -> None:
    _token_id, token = auth.create_token(conn, "demo: Jadugar self-metrics", "read")
    applications.create_application(conn, {
        "slug": SLUG, "name": "Jadugar", "environment": "production", "tags": ["self"],
        "description": "This Jadugar server, watched through its own /metrics (demo data)"})
    checks.create_check(conn, SLUG, {
        "name": "self-metrics", "type": "prometheus", "target": f"{self_url}/metrics",
        "interval_s": 60, "timeout_s": 5,
        "options": {"headers": {"Authorization": f"Bearer {token}"}, "series": SERIES},
        "expect": {"rule": {"metric": "jadugar_database_up", "op": "==", "value": 1}}})
