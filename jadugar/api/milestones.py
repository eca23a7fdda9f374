"""/api/v1/projects/{slug}/milestones and /api/v1/milestones/{id}"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.csv_lists import wants_csv
from jadugar.api.helpers import created, json_body
from jadugar.api.openapi import op, path_param
from jadugar.policy import current_actor
from jadugar.services import milestones as svc
from jadugar.services.csv_export import stream


@api.post("/projects/<slug>/milestones")
def create_milestone(slug: str):
    body = json_body()
    with db.transaction() as conn:
        row = svc.create(conn, slug, body, author=current_actor())
        return created(svc.get(conn, row.id))


@api.get("/projects/<slug>/milestones")
def list_milestones(slug: str):
    if wants_csv():
        return stream(db.connection, lambda conn: svc.export(conn, slug),
                      f"{slug}-milestones.csv")
    with db.transaction() as conn:
        rows = svc.list_for_project(conn, slug)
    return jsonify({"items": [svc.to_dict(r) for r in rows], "next_cursor": None})


@api.get("/milestones/<int:milestone_id>")
def get_milestone(milestone_id: int):
    with db.transaction() as conn:
        return jsonify(svc.get(conn, milestone_id))


@api.patch("/milestones/<int:milestone_id>")
def patch_milestone(milestone_id: int):
    body = json_body()
    with db.transaction() as conn:
        svc.update(conn, milestone_id, body, author=current_actor())
        return jsonify(svc.get(conn, milestone_id))


@api.delete("/milestones/<int:milestone_id>")
def delete_milestone(milestone_id: int):
    with db.transaction() as conn:
        svc.delete(conn, milestone_id)
    return "", 204


SLUG, ID = [path_param("slug")], [path_param("milestone_id", "integer")]
STATUS = {"type": "string", "enum": list(svc.STATUSES)}
PROGRESS = {"type": "integer", "minimum": 0, "maximum": 100}
OPENAPI = {
    "paths": {
        "/projects/{slug}/milestones": {
            "post": op("Create a milestone", "ingest", body="MilestoneCreate",
                       response="Milestone", status=201, params=SLUG),
            "get": op("The project's milestones by due date (Accept: text/csv for CSV)",
                      "read", response="Milestone", listing=True, params=SLUG)},
        "/milestones/{milestone_id}": {
            "get": op("One milestone with its progress_history", "read",
                      response="Milestone", params=ID),
            "patch": op("Change progress, status or details; each progress change is kept",
                        "ingest", body="MilestonePatch", response="Milestone", params=ID),
            "delete": op("Delete a milestone", "ingest", status=204, params=ID)},
    },
    "schemas": {
        "Milestone": {"type": "object", "properties": {
            "id": {"type": "integer"}, "project": {"type": "string"},
            "title": {"type": "string"}, "description": {"type": "string", "nullable": True},
            "due_on": {"type": "string", "format": "date", "nullable": True},
            "status": STATUS, "progress": PROGRESS,
            "progress_history": {"type": "array", "items": {"type": "object", "properties": {
                "ts": {"type": "string", "format": "date-time"}, "value": PROGRESS,
                "note": {"type": "string", "nullable": True}}}}}},
        "MilestoneCreate": {"type": "object", "required": ["title"], "properties": {
            "title": {"type": "string"}, "description": {"type": "string"},
            "due_on": {"type": "string", "format": "date"}, "status": STATUS,
            "progress": PROGRESS, "note": {"type": "string"}}},
        "MilestonePatch": {"type": "object", "properties": {
            "title": {"type": "string"}, "description": {"type": "string"},
            "due_on": {"type": "string", "format": "date"}, "status": STATUS,
            "progress": PROGRESS, "note": {"type": "string"}}},
    },
}
