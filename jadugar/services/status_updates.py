"""The status-update timeline: every change of a build or milestone, and free-text notes.

Rows are written by the build and milestone services in the caller's transaction, and each
one is announced with a `status_update` realtime event that is delivered only on commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Result, text

from jadugar import events
from jadugar.errors import Invalid, NotFound
from jadugar.services import build_fields as f
from jadugar.services.projects import get_project
from jadugar.services.serialize import row_dict
from jadugar.services.webhooks import registry as ci_sources


def sources() -> list[str]:
    """Who writes timeline rows: the API, the UI and every CI source (its webhook)."""
    return ["api", *ci_sources.names(), "ui"]


INSERT = text("""
insert into status_updates (project_id, build_id, milestone_id, ts, source, old_status,
                            new_status, old_progress, new_progress, message, author)
values (:project_id, :build_id, :milestone_id, clock_timestamp(), :source, :old_status,
        :new_status, :old_progress, :new_progress, :message, :author)
returning *
""")

TIMELINE = text("""
select s.*, b.number as build_number, m.title as milestone_title
  from status_updates s
  left join builds b on b.id = s.build_id
  left join milestones m on m.id = s.milestone_id
 where s.project_id = :project_id
   and (cast(:milestone_id as bigint) is null or s.milestone_id = :milestone_id)
   and (cast(:build_id as bigint) is null or s.build_id = :build_id)
   and (cast(:since as timestamptz) is null or s.ts >= :since)
   and (cast(:until as timestamptz) is null or s.ts < :until)
   and (cast(:after_ts as timestamptz) is null or (s.ts, s.id) < (:after_ts, :after_id))
 order by s.ts desc, s.id desc
 limit :limit
""")


def record(conn: Connection, project: Any, *, source: str, build_id: int | None = None,
           milestone_id: int | None = None, old_status: str | None = None,
           new_status: str | None = None, old_progress: int | None = None,
           new_progress: int | None = None, message: str | None = None,
           author: str | None = None) -> Any:
    """Write one timeline row and announce it; `project` is a projects row."""
    row = conn.execute(INSERT, {
        "project_id": project.id, "build_id": build_id, "milestone_id": milestone_id,
        "source": source, "old_status": old_status, "new_status": new_status,
        "old_progress": old_progress, "new_progress": new_progress, "message": message,
        "author": author}).one()
    events.publish(conn, "status_update", {
        "id": row.id, "project": project.slug, "build_id": build_id,
        "milestone_id": milestone_id, "new_status": new_status})
    return row


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row, exclude=("project_id",))


def timeline(conn: Connection, slug: str, *, limit: int = 100,
             after: tuple[datetime, int] | None = None, milestone_id: int | None = None,
             build_id: int | None = None, since: datetime | None = None,
             until: datetime | None = None) -> list[Any]:
    """Newest first, limit + 1 rows for keyset paging by (ts, id)."""
    project = get_project(conn, slug)
    return list(conn.execute(TIMELINE, {
        "project_id": project.id, "milestone_id": milestone_id, "build_id": build_id,
        "since": since, "until": until, "after_ts": after[0] if after else None,
        "after_id": after[1] if after else None, "limit": limit + 1}))


def post_note(conn: Connection, slug: str, body: dict[str, Any], *, source: str = "api",
              author: str | None = None) -> Any:
    """A free-text note on the project, or on one of its milestones or builds."""
    f.only(body, ("message", "milestone_id", "build_id"))
    message = f.text(body, "message", required=True, limit=f.MESSAGE_LIMIT)
    milestone_id = f.integer(body, "milestone_id", lo=1)
    build_id = f.integer(body, "build_id", lo=1)
    if milestone_id and build_id:
        raise Invalid("a note belongs to a milestone or a build, not both", field="build_id")
    project = get_project(conn, slug)
    for table, value, name in (("milestones", milestone_id, "milestone_id"),
                               ("builds", build_id, "build_id")):
        if value is not None and conn.scalar(
                text(f"select 1 from {table} where id = :id and project_id = :p"),
                {"id": value, "p": project.id}) is None:
            raise NotFound(f"no {table[:-1]} {value} in project {slug!r}", field=name)
    return record(conn, project, source=source, build_id=build_id, milestone_id=milestone_id,
                  message=message, author=author)


def export(conn: Connection, slug: str) -> Result:
    """The project's whole timeline for the CSV export, newest first."""
    project = get_project(conn, slug)
    return conn.execute(text("""
        select s.id, s.ts, s.source, s.build_id, s.milestone_id, s.old_status, s.new_status,
               s.old_progress, s.new_progress, s.message, s.author
          from status_updates s where s.project_id = :p order by s.ts desc, s.id desc"""),
        {"p": project.id})
