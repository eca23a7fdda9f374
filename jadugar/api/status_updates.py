"""/api/v1/projects/{slug}/status-updates: the timeline, and notes posted to it."""

from flask import jsonify, request

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import (
    created,
    cursor_arg,
    json_body,
    limit_arg,
    page,
    time_args,
)
from jadugar.api.openapi import PAGING, TIME_RANGE, op, path_param, query_param
from jadugar.api.projects import wants_csv
from jadugar.errors import Invalid
from jadugar.policy import current_actor
from jadugar.services import status_updates as svc
from jadugar.services.csv_export import stream
from jadugar.timeutil import parse_time


def _id_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid(f"{name} must be a whole number", field=name)
    return int(raw)


@api.get("/projects/<slug>/status-updates")
def list_status_updates(slug: str):
    if wants_csv():
        return stream(db.connection, lambda conn: svc.export(conn, slug),
                      f"{slug}-status-updates.csv")
    limit, cursor = limit_arg(), cursor_arg()
    since, until = time_args()
    after = None
    if cursor:
        if len(cursor) != 2 or not isinstance(cursor[1], int):
            raise Invalid("cursor is not one this API handed out", field="cursor")
        after = (parse_time(cursor[0], "cursor"), cursor[1])
    with db.transaction() as conn:
        rows = svc.timeline(conn, slug, limit=limit, after=after, since=since, until=until,
                            milestone_id=_id_arg("milestone_id"), build_id=_id_arg("build_id"))
    return jsonify(page([svc.to_dict(r) for r in rows], rows, limit, lambda r: [r.ts, r.id]))


@api.post("/projects/<slug>/status-updates")
def post_status_update(slug: str):
    body = json_body()
    with db.transaction() as conn:
        row = svc.post_note(conn, slug, body, source="api", author=current_actor())
        return created(svc.to_dict(row))


SLUG = [path_param("slug")]
OPENAPI = {
    "paths": {"/projects/{slug}/status-updates": {
        "get": op("The project's timeline, newest first (Accept: text/csv for CSV)", "read",
                  response="StatusUpdate", listing=True,
                  params=SLUG + [query_param("milestone_id", "integer"),
                                 query_param("build_id", "integer")] + TIME_RANGE + PAGING),
        "post": op("Post a note on the project, or on one of its milestones or builds",
                   "ingest", body="StatusNote", response="StatusUpdate", status=201,
                   params=SLUG)}},
    "schemas": {
        "StatusUpdate": {"type": "object", "properties": {
            "id": {"type": "integer"}, "ts": {"type": "string", "format": "date-time"},
            "source": {"type": "string", "enum": svc.sources()},
            "build_id": {"type": "integer", "nullable": True},
            "milestone_id": {"type": "integer", "nullable": True},
            "old_status": {"type": "string", "nullable": True},
            "new_status": {"type": "string", "nullable": True},
            "old_progress": {"type": "integer", "nullable": True},
            "new_progress": {"type": "integer", "nullable": True},
            "message": {"type": "string", "nullable": True},
            "author": {"type": "string", "nullable": True}}},
        "StatusNote": {"type": "object", "required": ["message"], "properties": {
            "message": {"type": "string"}, "milestone_id": {"type": "integer"},
            "build_id": {"type": "integer"}}},
    },
}
