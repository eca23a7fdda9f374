"""Rows for monitoring tests: applications, checks and history written the way the collector
writes them (binary COPY, so the rollup trigger runs as in production)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, text

from jadugar import db


def make_app(conn: Connection, slug: str, *, tags: list[str] | None = None,
             env: str = "production", status: str = "up") -> int:
    return conn.execute(text("""insert into applications (slug, name, environment, tags, status)
        values (:s, :n, :e, :t, :st) returning id"""),
        {"s": slug, "n": slug.title(), "e": env, "t": tags or [], "st": status}).scalar_one()


def make_check(conn: Connection, app_id: int, name: str = "homepage",
               target: str = "https://secret-internal.example/health") -> int:
    return conn.execute(text("""insert into health_checks (application_id, name, type, target,
        interval_s) values (:a, :n, 'http', :t, 60) returning id"""),
        {"a": app_id, "n": name, "t": target}).scalar_one()


def add_history(conn: Connection, check_id: int, start: datetime, statuses: str,
                step: timedelta = timedelta(minutes=1), ms: float = 100.0,
                error: str | None = "boom: password=hunter2") -> None:
    """One result per character of `statuses`: u(p), d(egraded), x (down)."""
    names = {"u": "up", "d": "degraded", "x": "down"}
    rows = [(check_id, start + i * step, "local", names[c], ms + i, 200,
             error if c == "x" else None) for i, c in enumerate(statuses)]
    db.copy_rows(conn, "history", ["check_id", "ts", "location", "status", "response_ms",
                                   "status_code", "error"], rows,
                 ["int8", "timestamptz", "text", "text", "float4", "int2", "text"])
