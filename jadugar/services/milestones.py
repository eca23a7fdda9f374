"""Milestones: a due date, a status and a progress whose every change is kept as a snapshot
(the `progress` table feeds the burn-up chart) and as a status update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Result, text

from jadugar import events
from jadugar.errors import NotFound
from jadugar.services import build_fields as f
from jadugar.services import status_updates
from jadugar.services.projects import get_project
from jadugar.services.serialize import row_dict

STATUSES = ("planned", "active", "done", "missed")
FIELDS = ("title", "description", "due_on", "status", "progress", "note")


def _values(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    f.only(body, FIELDS)
    out: dict[str, Any] = {}
    if creating or "title" in body:
        out["title"] = f.text(body, "title", required=True, limit=200)
    if "description" in body:
        out["description"] = f.text(body, "description", limit=f.MESSAGE_LIMIT)
    if "due_on" in body:
        out["due_on"] = f.day(body, "due_on")
    if body.get("status") is not None:
        out["status"] = f.choice(body, "status", STATUSES)
    if body.get("progress") is not None:
        out["progress"] = f.integer(body, "progress", lo=0, hi=100)
    return out


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row, exclude=("project_id", "old_status", "old_progress"))


def _publish(conn: Connection, project: Any, row: Any) -> None:
    events.publish(conn, "milestone", {"id": row.id, "project": project.slug,
                                         "progress": row.progress, "status": row.status})


def _snapshot(conn: Connection, milestone_id: int, value: int, note: str | None) -> None:
    # clock_timestamp(), not now(): two changes in one transaction get two snapshots.
    conn.execute(text("insert into progress (milestone_id, ts, value, note) "
                      "values (:m, clock_timestamp(), :v, :n)"),
                 {"m": milestone_id, "v": value, "n": note})


def create(conn: Connection, slug: str, body: dict[str, Any], *, source: str = "api",
           author: str | None = None) -> Any:
    values = _values(body, creating=True)
    note = f.text(body, "note", limit=f.MESSAGE_LIMIT)
    project = get_project(conn, slug)
    row = conn.execute(text("""
        insert into milestones (project_id, title, description, due_on, status, progress)
        values (:p, :title, :description, :due_on, coalesce(cast(:status as text), 'planned'),
                coalesce(cast(:progress as smallint), 0))
        returning *"""), {"p": project.id, "description": None, "due_on": None,
                          "status": None, "progress": None, **values}).one()
    _snapshot(conn, row.id, row.progress, note)
    status_updates.record(conn, project, source=source, milestone_id=row.id,
                          new_status=row.status, new_progress=row.progress,
                          message=note or f"Milestone created: {row.title}", author=author)
    _publish(conn, project, row)
    return row


UPDATE = text("""
with old as (select id, status, progress from milestones where id = :id for update)
update milestones m set
    title = coalesce(cast(:title as text), m.title),
    description = case when :set_description then cast(:description as text)
                       else m.description end,
    due_on = case when :set_due then cast(:due_on as date) else m.due_on end,
    status = coalesce(cast(:status as text), m.status),
    progress = coalesce(cast(:progress as smallint), m.progress),
    updated_at = now()
  from old where m.id = old.id
returning m.*, old.status as old_status, old.progress as old_progress
""")


def update(conn: Connection, milestone_id: int, body: dict[str, Any], *,
           source: str = "api", author: str | None = None) -> Any:
    """PATCH /milestones/{id}.

    1. Validate, then update under a row lock, reading the old values in the same statement.
    2. A progress change stores a snapshot; any status/progress change or note is recorded
       in the timeline and published."""
    values = _values(body, creating=False)
    note = f.text(body, "note", limit=f.MESSAGE_LIMIT)
    project = project_of(conn, milestone_id)
    row = conn.execute(UPDATE, {
        "id": milestone_id, "title": values.get("title"), "status": values.get("status"),
        "progress": values.get("progress"), "set_description": "description" in values,
        "description": values.get("description"), "set_due": "due_on" in values,
        "due_on": values.get("due_on")}).one()
    if row.progress != row.old_progress:
        _snapshot(conn, row.id, row.progress, note)
    if (row.status, row.progress) != (row.old_status, row.old_progress) or note:
        status_updates.record(conn, project, source=source, milestone_id=row.id,
                              old_status=row.old_status, new_status=row.status,
                              old_progress=row.old_progress, new_progress=row.progress,
                              message=note, author=author)
    _publish(conn, project, row)
    return row


def project_of(conn: Connection, milestone_id: int) -> Any:
    row = conn.execute(text("select p.* from projects p join milestones m "
                            "on m.project_id = p.id where m.id = :id"),
                       {"id": milestone_id}).first()
    if row is None:
        raise NotFound(f"no milestone {milestone_id}", field="id")
    return row


def get(conn: Connection, milestone_id: int) -> dict[str, Any]:
    """The milestone with its project slug and progress_history (oldest first)."""
    row = conn.execute(text("select m.*, p.slug as project from milestones m "
                            "join projects p on p.id = m.project_id where m.id = :id"),
                       {"id": milestone_id}).first()
    if row is None:
        raise NotFound(f"no milestone {milestone_id}", field="id")
    out = to_dict(row)
    out["progress_history"] = [row_dict(r) for r in conn.execute(text(
        "select ts, value, note from progress where milestone_id = :id order by ts"),
        {"id": milestone_id})]
    return out


def list_for_project(conn: Connection, slug: str) -> list[Any]:
    project = get_project(conn, slug)
    return list(conn.execute(text(
        "select * from milestones where project_id = :p "
        "order by due_on nulls last, id"), {"p": project.id}))


def delete(conn: Connection, milestone_id: int) -> None:
    if conn.execute(text("delete from milestones where id = :id"),
                    {"id": milestone_id}).rowcount == 0:
        raise NotFound(f"no milestone {milestone_id}", field="id")


def export(conn: Connection, slug: str) -> Result:
    """The project's milestones for the CSV export, by due date."""
    project = get_project(conn, slug)
    return conn.execute(text(
        "select id, title, description, due_on, status, progress, created_at, updated_at "
        "from milestones where project_id = :p order by due_on nulls last, id"),
        {"p": project.id})
