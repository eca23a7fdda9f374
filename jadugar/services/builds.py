"""Builds: create (idempotent by external id), change status and progress, never move a
finished build back.

Every write goes through `create_or_update` or `change`, whatever its source (API, webhooks,
UI), so the rules live once: one conditional UPDATE decides the new state in SQL under a row
lock, a `status_updates` row records each change, and `build` / `status_update` events are
published inside the caller's transaction. A build that has just finished is judged
there too (services/build_rules.py: its duration, then the project's alert rules)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from jadugar import events
from jadugar.errors import Invalid, NotFound
from jadugar.services import build_fields as f
from jadugar.services import build_rules, status_updates
from jadugar.services.projects import get_project

STATUSES = ("queued", "running", "success", "failed", "cancelled", "skipped")
FINISHED = ("success", "failed", "cancelled", "skipped")
KINDS = ("build", "deploy")
META = ("external_id", "number", "branch", "commit_sha", "commit_at", "pipeline", "trigger",
        "kind", "environment", "url", "message")
CREATE_FIELDS = (*META, "status", "progress", "started_at", "finished_at")
PATCH_FIELDS = ("status", "progress", "started_at", "finished_at", "message")

# Statuses as a SQL list; the constants above are the single source.
_FIN = ", ".join(f"'{s}'" for s in FINISHED)

INSERT = text(f"""
insert into builds (project_id, external_id, number, branch, commit_sha, commit_at, pipeline,
                    trigger, kind, environment, status, progress, source, url, message,
                    started_at, finished_at, attempt)
values (:project_id, :external_id, :number, :branch, :commit_sha, :commit_at, :pipeline,
        :trigger, coalesce(cast(:kind as text), 'build'), :environment, :status,
        coalesce(cast(:progress as smallint), case when :status = 'success' then 100 end),
        :source, :url, :build_message,
        coalesce(cast(:started_at as timestamptz),
                 case when :status = 'running' then now() end),
        case when :status in ({_FIN})
             then coalesce(cast(:finished_at as timestamptz), now()) end,
        cast(:attempt as integer))
on conflict (project_id, external_id) do nothing
returning *
""")

# One statement decides the new state under a row lock, so two racing updates cannot
# interleave a read and a write. `back` is true when the update would move a finished
# build back to queued/running: then status, progress and times stay as they are; `done`
# keeps a finished build's progress when an update (a late job event) names no status.
# Attempts (CI re-runs reuse the run id): a higher `attempt` is a new run of the build, so
# it may go back to queued/running, its times and progress start over, and `rerun` tells
# the caller to say so in the timeline; a lower one is a late event of an attempt already
# superseded, and changes nothing but descriptive fields.
CHANGE = text(f"""
with old as (
    select id, status, progress, attempt from builds where id = :id for update
), a as (
    select old.*, coalesce(cast(:status as text), old.status) as want,
           coalesce(cast(:attempt as integer) > coalesce(old.attempt, 1), false) as rerun,
           coalesce(cast(:attempt as integer) < old.attempt, false) as stale
      from old
), d as (
    select a.*,
           a.stale or (not a.rerun and a.status in ({_FIN})
                       and cast(:status as text) in ('queued', 'running')) as back,
           (a.status in ({_FIN}) and cast(:status as text) is null) as done
      from a
)
update builds b set
    status = case when d.back then d.status else d.want end,
    progress = case when d.back or (d.done and not d.rerun) then d.progress
                    when d.rerun then coalesce(cast(:progress as smallint),
                                               case when d.want = 'success' then 100 end, 0)
                    else coalesce(cast(:progress as smallint),
                                  case when d.want = 'success' and d.status <> 'success'
                                       then 100 end,
                                  d.progress) end,
    started_at = case when d.back then b.started_at
                      when d.rerun then coalesce(cast(:started_at as timestamptz),
                                                 case when d.want <> 'queued' then now() end)
                      else coalesce(cast(:started_at as timestamptz), b.started_at,
                                    case when d.want = 'running' then now() end) end,
    finished_at = case when d.back then b.finished_at
                       when d.want not in ({_FIN}) then
                           case when d.rerun then null else b.finished_at end
                       else coalesce(cast(:finished_at as timestamptz),
                                     case when not d.rerun then b.finished_at end,
                                     now()) end,
    attempt = greatest(b.attempt, cast(:attempt as integer)),
    number = coalesce(cast(:number as integer), b.number),
    branch = coalesce(cast(:branch as text), b.branch),
    commit_sha = coalesce(cast(:commit_sha as text), b.commit_sha),
    commit_at = coalesce(cast(:commit_at as timestamptz), b.commit_at),
    pipeline = coalesce(cast(:pipeline as text), b.pipeline),
    trigger = coalesce(cast(:trigger as text), b.trigger),
    kind = coalesce(cast(:kind as text), b.kind),
    environment = coalesce(cast(:environment as text), b.environment),
    url = coalesce(cast(:url as text), b.url),
    message = coalesce(cast(:build_message as text), b.message),
    updated_at = now()
  from d
 where b.id = d.id
returning b.*, d.status as old_status, d.progress as old_progress, d.rerun
""")


def validate(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check a request body field by field; the error names the first bad field."""
    f.only(body, CREATE_FIELDS if creating else PATCH_FIELDS)
    values: dict[str, Any] = {
        "status": f.choice(body, "status", STATUSES, required=creating),
        "progress": f.integer(body, "progress", lo=0, hi=100),
        "started_at": f.time(body, "started_at"),
        "finished_at": f.time(body, "finished_at"),
        "message": f.text(body, "message", limit=f.MESSAGE_LIMIT),
    }
    if creating:
        for name in ("external_id", "branch", "commit_sha", "pipeline", "trigger",
                     "environment"):
            values[name] = f.text(body, name)
        values["number"] = f.integer(body, "number", lo=0, hi=2**31 - 1)
        values["commit_at"] = f.time(body, "commit_at")
        values["kind"] = f.choice(body, "kind", KINDS)
        values["url"] = f.url(body, "url")
    if values["started_at"] and values["finished_at"] \
            and values["finished_at"] < values["started_at"]:
        raise Invalid("finished_at must not be before started_at", field="finished_at")
    return values


def _params(values: dict[str, Any]) -> dict[str, Any]:
    names = [n for n in META if n != "message"]
    out = {name: values.get(name) for name in (*names, "status", "progress", "started_at",
                                               "finished_at")}
    out["build_message"] = values.get("build_message")
    out["attempt"] = values.get("attempt")  # only webhooks know it (GitHub run_attempt)
    return out


def publish(conn: Connection, project: Any, row: Any) -> None:
    events.publish(conn, "build", {
        "id": row.id, "project": project.slug, "status": row.status, "progress": row.progress,
        "number": row.number, "branch": row.branch, "kind": row.kind})


def create_or_update(conn: Connection, project: Any, values: dict[str, Any], *, source: str,
                     author: str | None = None, note: str | None = None) -> tuple[Any, bool]:
    """Insert a build, or update the one with the same (project, external_id).

    1. Insert; `on conflict do nothing` hands a repeat to step 2 without a race.
    2. On a repeat, apply the values as a change under the finished-stays-finished rule.
    3. Record the new status in the timeline and publish it.
    Returns (row, created)."""
    params = _params(values)
    row = conn.execute(INSERT, {**params, "project_id": project.id, "source": source}).first()
    if row is None:
        build_id = conn.scalar(text("select id from builds where project_id = :p "
                                    "and external_id = :e"),
                               {"p": project.id, "e": values["external_id"]})
        return change(conn, project, build_id, values, source=source, author=author,
                      note=note), False
    status_updates.record(conn, project, source=source, build_id=row.id,
                          new_status=row.status, new_progress=row.progress, message=note,
                          author=author)
    publish(conn, project, row)
    if row.status in FINISHED:
        build_rules.after_finish(conn, project, row)
    return row, True


def change(conn: Connection, project: Any, build_id: int, values: dict[str, Any], *,
           source: str, author: str | None = None, note: str | None = None) -> Any:
    """Apply a change; a status update row is written only when status or progress moved,
    a new attempt began, or a note was given."""
    row = conn.execute(CHANGE, {**_params(values), "id": build_id}).first()
    if row is None:
        raise NotFound(f"no build {build_id}", field="id")
    moved = (row.old_status, row.old_progress) != (row.status, row.progress)
    if row.rerun:
        note = "; ".join(filter(None, (f"re-run attempt {row.attempt}", note)))
    if moved or note:
        status_updates.record(conn, project, source=source, build_id=row.id,
                              old_status=row.old_status, new_status=row.status,
                              old_progress=row.old_progress, new_progress=row.progress,
                              message=note, author=author)
    if moved:
        publish(conn, project, row)
    if row.status in FINISHED and (row.status != row.old_status or row.rerun):
        build_rules.after_finish(conn, project, row)
    return row


def submit(conn: Connection, slug: str, body: dict[str, Any], *, source: str = "api",
           author: str | None = None) -> tuple[Any, bool]:
    """POST /projects/{slug}/builds: validate, then create or update by external id."""
    values = validate(body, creating=True)
    project = get_project(conn, slug)
    values["build_message"] = values.pop("message")
    return create_or_update(conn, project, values, source=source, author=author)


def project_of(conn: Connection, build_id: int) -> Any:
    row = conn.execute(text("select p.* from projects p join builds b on b.project_id = p.id "
                            "where b.id = :id"), {"id": build_id}).first()
    if row is None:
        raise NotFound(f"no build {build_id}", field="id")
    return row


def patch(conn: Connection, build_id: int, body: dict[str, Any], *, source: str = "api",
          author: str | None = None) -> Any:
    """PATCH /builds/{id}: status, progress, times, and a message for the timeline."""
    values = validate(body, creating=False)
    project = project_of(conn, build_id)
    note = values.pop("message")
    return change(conn, project, build_id, values, source=source, author=author, note=note)


def mark(conn: Connection, build_id: int, status: str, reason: str | None, *,
         author: str | None = None) -> Any:
    """Cancel or re-mark a build by hand from the UI, to a finished status, with a reason.
    (Queued or running by hand would fight the CI, which owns a build in flight.)"""
    if status not in FINISHED:
        raise Invalid(f"status must be one of {', '.join(FINISHED)}", field="status")
    if not reason or not reason.strip():
        raise Invalid("say why (the reason is kept in the build's history)", field="reason")
    return patch(conn, build_id, {"status": status, "message": reason.strip()}, source="ui",
                 author=author)
