"""/api/v1/maintenance-windows"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import created, json_body, scope
from jadugar.api.openapi import op, path_param
from jadugar.services import maintenance as svc
from jadugar.web.guard import current_actor


@api.get("/maintenance-windows")
@scope("read")
def list_windows():
    with db.transaction() as conn:
        return jsonify({"items": [svc.to_dict(r) for r in svc.list_windows(conn)]})


@api.post("/maintenance-windows")
@scope("admin")
def create_window():
    body = json_body()
    with db.transaction() as conn:
        return created(svc.to_dict(svc.create_window(conn, body, current_actor())))


@api.delete("/maintenance-windows/<int:window_id>")
@scope("admin")
def delete_window(window_id: int):
    with db.transaction() as conn:
        svc.delete_window(conn, window_id, current_actor())
    return "", 204


OPENAPI = {
    "paths": {
        "/maintenance-windows": {
            "get": op("Maintenance windows", "read"),
            "post": op("Create a window {title, starts_at, ends_at, recurrence: none|daily|"
                       "weekly, application?, check_id?}", "admin", body="MaintenanceInput",
                       status=201)},
        "/maintenance-windows/{window_id}": {
            "delete": op("Delete a window", "admin", status=204,
                         params=[path_param("window_id", "integer")])},
    },
    "schemas": {"MaintenanceInput": {"type": "object",
                                     "required": ["title", "starts_at", "ends_at"],
                                     "properties": {
        "title": {"type": "string"}, "starts_at": {"type": "string"},
        "ends_at": {"type": "string"},
        "recurrence": {"type": "string", "enum": ["none", "daily", "weekly"]},
        "application": {"type": "string"}, "check_id": {"type": "integer"}}}},
}
