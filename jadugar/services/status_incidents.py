"""Incidents a team posts on a public status page, and their updates.

An incident has a title the public reads, an impact (none, minor, major or critical) on the
applications it names, and a timeline: each update carries a state (investigating → identified →
monitoring → resolved) and a message. Posting an update with state 'resolved' ends it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid, NotFound

STATES = ("investigating", "identified", "monitoring", "resolved")
IMPACTS = ("none", "minor", "major", "critical")
# The impacts before issue 15, still accepted from older clients and scripts.
OLD_IMPACTS = {"degraded": "minor", "down": "major"}
# What an impact does to the status shown beside the applications it names.
IMPACT_STATUS = {"none": "up", "minor": "degraded", "major": "down", "critical": "down"}
TITLE_MAX, MESSAGE_MAX = 200, 5000

_INCIDENTS = """
select i.id, i.title, i.impact, i.state, i.created_at, i.created_by, i.resolved_at,
       coalesce((select array_agg(a.slug order by a.slug)
                   from status_incident_applications ia
                   join applications a on a.id = ia.application_id
                  where ia.incident_id = i.id), '{{}}') as applications,
       coalesce((select json_agg(json_build_object('at', u.at, 'state', u.state,
                                                   'message', u.message, 'author', u.author)
                                 order by u.at desc, u.id desc)
                   from status_incident_updates u where u.incident_id = i.id), '[]')
           as updates
  from status_incidents i
 where i.status_page_id = :page_id and {where}
 order by i.created_at desc, i.id desc
 limit :limit
"""


def _page_id(conn: Connection, slug: str) -> int:
    page_id = conn.execute(text("select id from status_pages where slug = :s"),
                           {"s": slug}).scalar()
    if page_id is None:
        raise NotFound(f"no status page {slug!r}", field="slug")
    return page_id


def _text(value: object, field: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{field} is required", field=field)
    if len(value) > limit:
        raise Invalid(f"{field} is longer than {limit} characters", field=field)
    return value.strip()


def _choice(value: object, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise Invalid(f"{field} must be one of {', '.join(choices)}", field=field)
    return str(value)


def list_incidents(conn: Connection, slug: str, *, open_only: bool = False,
                   since: datetime | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The page's incidents, newest first, each with its applications and updates.
    `since` keeps incidents still open or resolved after it."""
    where = ("i.resolved_at is null" if open_only else
             "(cast(:since as timestamptz) is null or i.resolved_at is null "
             "or i.resolved_at >= :since)")
    rows = conn.execute(text(_INCIDENTS.format(where=where)),
                        {"page_id": _page_id(conn, slug), "since": since, "limit": limit})
    return [dict(r._mapping) for r in rows]


def get_incident(conn: Connection, slug: str, incident_id: int) -> dict[str, Any]:
    rows = conn.execute(text(_INCIDENTS.format(where="i.id = :id")),
                        {"page_id": _page_id(conn, slug), "id": incident_id, "limit": 1})
    row = rows.first()
    if row is None:
        raise NotFound(f"no incident {incident_id} on status page {slug!r}", field="id")
    return dict(row._mapping)


def open_incident(conn: Connection, slug: str, body: dict[str, Any], author: str) -> int:
    """A new incident with its first update. The applications must be on the page: an
    incident can only speak about what its audience sees."""
    title = _text(body.get("title"), "title", TITLE_MAX)
    impact = body.get("impact", "major")
    impact = _choice(OLD_IMPACTS.get(impact, impact) if isinstance(impact, str) else impact,
                     "impact", IMPACTS)
    state = _choice(body.get("state", "investigating"), "state", STATES)
    message = _text(body.get("message"), "message", MESSAGE_MAX)
    apps = body.get("applications", [])
    if not isinstance(apps, list) or not all(isinstance(a, str) for a in apps):
        raise Invalid("applications must be a list of application slugs", field="applications")
    page_id = _page_id(conn, slug)
    on_page = dict(conn.execute(text("""
        select a.slug, a.id from status_page_applications spa
          join applications a on a.id = spa.application_id
         where spa.status_page_id = :p"""), {"p": page_id}).all())
    missing = [a for a in apps if a not in on_page]
    if missing:
        raise Invalid(f"application {missing[0][:100]!r} is not on status page {slug!r}",
                      field="applications")
    incident_id = conn.execute(text("""
        insert into status_incidents (status_page_id, title, impact, state, created_by,
                                      resolved_at)
        values (:p, :title, :impact, :state, :author,
                case when :state = 'resolved' then now() end)
        returning id"""), {"p": page_id, "title": title, "impact": impact, "state": state,
                           "author": author}).scalar_one()
    if apps:
        conn.execute(text("insert into status_incident_applications "
                          "select :i, unnest(cast(:ids as bigint[]))"),
                     {"i": incident_id, "ids": sorted({on_page[a] for a in apps})})
    _insert_update(conn, incident_id, state, message, author)
    return incident_id


def post_update(conn: Connection, slug: str, incident_id: int, body: dict[str, Any],
                author: str) -> None:
    state = _choice(body.get("state"), "state", STATES)
    message = _text(body.get("message"), "message", MESSAGE_MAX)
    updated = conn.execute(text("""
        update status_incidents set state = :state,
               resolved_at = case when :state = 'resolved' then coalesce(resolved_at, now())
                             end
         where id = :id and status_page_id = :p
        returning id"""), {"state": state, "id": incident_id, "p": _page_id(conn, slug)})
    if updated.first() is None:
        raise NotFound(f"no incident {incident_id} on status page {slug!r}", field="id")
    _insert_update(conn, incident_id, state, message, author)


def _insert_update(conn: Connection, incident_id: int, state: str, message: str,
                   author: str) -> None:
    conn.execute(text("insert into status_incident_updates (incident_id, state, message, "
                      "author) values (:i, :state, :message, :author)"),
                 {"i": incident_id, "state": state, "message": message, "author": author})
