"""Maintenance windows: one-off, daily or weekly. While one covers a check, its alerts stay
quiet and its results are left out of uptime. The SQL function in_maintenance() (migration
0003) is the single definition both use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid, NotFound
from jadugar.services.serialize import row_dict
from jadugar.timeutil import parse_time

RECURRENCES = ("none", "daily", "weekly")
_SELECT = """select w.id, w.title, a.slug as application, w.check_id, w.starts_at,
    w.ends_at, w.recurrence, w.created_at
    from maintenance_windows w left join applications a on a.id = w.application_id"""


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row)


def list_windows(conn: Connection) -> list[Any]:
    return list(conn.execute(text(_SELECT + " order by w.starts_at desc, w.id")).all())


def get_window(conn: Connection, window_id: int) -> Any:
    row = conn.execute(text(_SELECT + " where w.id = :id"), {"id": window_id}).first()
    if row is None:
        raise NotFound(f"no maintenance window {window_id}", field="id")
    return row


def create_window(conn: Connection, data: dict[str, Any], actor: str | None = None) -> Any:
    """{title, starts_at, ends_at, recurrence? ('none'|'daily'|'weekly'), application?
    (slug), check_id?}. Neither application nor check means every check."""
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise Invalid("title is required", field="title")
    starts = parse_time(data.get("starts_at"), "starts_at")
    ends = parse_time(data.get("ends_at"), "ends_at")
    if starts is None:
        raise Invalid("starts_at is required", field="starts_at")
    if ends is None or ends <= starts:
        raise Invalid("ends_at must be after starts_at", field="ends_at")
    recurrence = data.get("recurrence", "none")
    if recurrence not in RECURRENCES:
        raise Invalid("recurrence must be none, daily or weekly", field="recurrence")
    span = (ends - starts).total_seconds()
    if span > {"none": float("inf"), "daily": 86400, "weekly": 604800}[recurrence]:
        raise Invalid(f"a {recurrence} window must be shorter than its period",
                      field="ends_at")
    app_id = check_id = None
    if data.get("application"):
        from jadugar.services.applications import application_id

        app_id = application_id(conn, data["application"])
    if data.get("check_id") is not None:
        from jadugar.services.checks import get_check

        check_id = get_check(conn, int(data["check_id"])).id
    window_id = conn.execute(text("""
        insert into maintenance_windows (title, application_id, check_id, starts_at, ends_at,
                                         recurrence)
        values (:t, :a, :c, :s, :e, :r) returning id"""),
        {"t": title.strip(), "a": app_id, "c": check_id, "s": starts, "e": ends,
         "r": recurrence}).scalar_one()
    return get_window(conn, window_id)


def delete_window(conn: Connection, window_id: int, actor: str | None = None) -> None:
    if not conn.execute(text("delete from maintenance_windows where id = :id"),
                        {"id": window_id}).rowcount:
        raise NotFound(f"no maintenance window {window_id}", field="id")


def is_in_maintenance(conn: Connection, check_id: int, at: Any = None) -> bool:
    return bool(conn.execute(text("""select in_maintenance(c.id, c.application_id,
        coalesce(cast(:at as timestamptz), now())) from health_checks c where c.id = :id"""),
        {"id": check_id, "at": at}).scalar())
