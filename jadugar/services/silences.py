"""Silences: "we know, stop telling us" for an application, a check, a project's build
alerts or everything, until an end time. Alerts under a silence still open, show and
resolve; only their notifications are held back (notifications._SPEAKS), so nothing is lost
from the record."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid, NotFound
from jadugar.services import applications
from jadugar.timeutil import parse_time

MAX_SILENCE = timedelta(days=30)
_SELECT = """select s.id, a.slug as application, s.check_id, c.name as check_name,
       pr.slug as project, s.starts_at, s.ends_at, s.reason, s.created_by, s.created_at,
       now() >= s.starts_at and now() < s.ends_at as active
  from silences s left join applications a on a.id = s.application_id
  left join health_checks c on c.id = s.check_id
  left join projects pr on pr.id = s.project_id"""


def list_silences(conn: Connection, include_expired: bool = False) -> list[dict[str, Any]]:
    where = "" if include_expired else " where s.ends_at > now()"
    rows = conn.execute(text(_SELECT + where + " order by s.ends_at desc, s.id desc"))
    return [dict(r._mapping) for r in rows]


def get_silence(conn: Connection, silence_id: int) -> dict[str, Any]:
    row = conn.execute(text(_SELECT + " where s.id = :id"), {"id": silence_id}).first()
    if row is None:
        raise NotFound(f"no silence {silence_id}", field="id")
    return dict(row._mapping)


def create_silence(conn: Connection, body: dict[str, Any], actor: str) -> int:
    """{application?: slug, check_id?: int, project?: slug (its build alerts only),
    ends_at | duration_s, starts_at?, reason}.
    Starting "now" means the database's now, the clock the notification rule reads."""
    now = conn.execute(text("select now()")).scalar_one()
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
        raise Invalid("reason is required (at most 500 characters)", field="reason")
    starts = parse_time(body.get("starts_at"), "starts_at") or now
    if starts > now + timedelta(days=365):
        raise Invalid("starts_at must be within a year from now", field="starts_at")
    ends = _ends(body, starts)
    if ends - starts > MAX_SILENCE:
        raise Invalid("a silence lasts at most 30 days; use a maintenance window for longer",
                      field="ends_at")
    app_id = check_id = None
    if body.get("application") is not None:
        if not isinstance(body["application"], str):
            raise Invalid("application must be an application slug", field="application")
        app_id = applications.application_id(conn, body["application"])
    if body.get("check_id") is not None:
        check_id = body["check_id"]
        row = conn.execute(text("select application_id from health_checks where id = :id"),
                           {"id": check_id if isinstance(check_id, int) else -1}).first()
        if not isinstance(check_id, int) or isinstance(check_id, bool) or row is None:
            raise Invalid("check_id must be the id of a check", field="check_id")
        if app_id is not None and row.application_id != app_id:
            raise Invalid("the check is not one of that application's", field="check_id")
    project_id = _project(conn, body, app_id or check_id)
    return conn.execute(text("""
        insert into silences (application_id, check_id, project_id, starts_at, ends_at,
                              reason, created_by)
        values (:a, :c, :p, :s, :e, :r, :by) returning id"""),
        {"a": app_id, "c": check_id, "p": project_id, "s": starts, "e": ends,
         "r": reason.strip(), "by": actor}).scalar_one()


def _project(conn: Connection, body: dict[str, Any], monitoring: Any) -> int | None:
    """A project silence holds back that project's build and deploy alerts only."""
    if body.get("project") is None:
        return None
    if not isinstance(body["project"], str):
        raise Invalid("project must be a project slug", field="project")
    if monitoring is not None:
        raise Invalid("a silence covers a project, or an application or check, not both",
                      field="project")
    from jadugar.services.projects import get_project

    return get_project(conn, body["project"]).id


def _ends(body: dict[str, Any], starts: datetime) -> datetime:
    if body.get("duration_s") is not None:
        seconds = body["duration_s"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise Invalid("duration_s must be a positive number of seconds", field="duration_s")
        if seconds > MAX_SILENCE.total_seconds():
            raise Invalid("a silence lasts at most 30 days; use a maintenance window for "
                          "longer", field="duration_s")
        return starts + timedelta(seconds=seconds)
    ends = parse_time(body.get("ends_at"), "ends_at")
    if ends is None:
        raise Invalid("ends_at (or duration_s) is required", field="ends_at")
    if ends <= starts:
        raise Invalid("ends_at must be after starts_at", field="ends_at")
    return ends


def expire(conn: Connection, silence_id: int) -> None:
    """End a silence now (it stays in the record)."""
    done = conn.execute(text("""update silences
        set ends_at = greatest(starts_at, least(ends_at, now()))
        where id = :id returning id"""), {"id": silence_id}).first()
    if done is None:
        raise NotFound(f"no silence {silence_id}", field="id")


def silence_alert(conn: Connection, alert_id: int, duration_s: int, actor: str) -> int:
    """Silence what an alert is about (its check, else its application, else its project's
    build alerts) for `duration_s`: the alerts page's one-click silence."""
    row = conn.execute(text("""
        select al.title, al.check_id, a.slug as application, p.slug as project
          from alerts al left join applications a on a.id = al.application_id
          left join projects p on p.id = al.project_id
         where al.id = :id"""), {"id": alert_id}).first()
    if row is None:
        raise NotFound(f"no alert {alert_id}", field="alert_id")
    if row.check_id is not None:
        scope: dict[str, Any] = {"check_id": row.check_id}
    elif row.application is not None:
        scope = {"application": row.application}
    elif row.project is not None:
        scope = {"project": row.project}
    else:
        raise Invalid("this alert has no check, application or project to silence",
                      field="alert_id")
    return create_silence(conn, {**scope, "duration_s": duration_s,
                                 "reason": f"from the alerts page: {row.title}"[:500]}, actor)
