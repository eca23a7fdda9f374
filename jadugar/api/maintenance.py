"""/api/v1/maintenance-windows"""

from flask import jsonify

from jadugar import db, policy
from jadugar.api import api
from jadugar.api.helpers import created, json_body, known_fields
from jadugar.api.openapi import op, path_param
from jadugar.policy import current_actor
from jadugar.services import maintenance as svc


@api.get("/maintenance-windows")
def list_windows():
    with db.transaction() as conn:
        return jsonify({"items": [svc.to_dict(r) for r in svc.list_windows(conn)]})


@api.post("/maintenance-windows")
def create_window():
    body = known_fields(json_body(), ("title", "starts_at", "ends_at", "recurrence",
                                      "application", "check_id"))
    with db.transaction() as conn:
        row = svc.create_window(conn, body, current_actor())
        # Judged on the stored row, after validation; a refusal rolls the insert back.
        policy.require(policy.maintenance_action(row._mapping))
        return created(svc.to_dict(row))


@api.delete("/maintenance-windows/<int:window_id>")
def delete_window(window_id: int):
    with db.transaction() as conn:
        policy.require(policy.maintenance_action(svc.get_window(conn, window_id)._mapping))
        svc.delete_window(conn, window_id, current_actor())
    return "", 204


OPENAPI = {
    "paths": {
        "/maintenance-windows": {
            "get": op("Maintenance windows", "read"),
            "post": op("Create a window {title, starts_at, ends_at, recurrence: none|daily|"
                       "weekly, application?, check_id?}; one for every application, a "
                       "repeating one or one over 7 days needs admin", "ingest",
                       body="MaintenanceInput", status=201)},
        "/maintenance-windows/{window_id}": {
            "delete": op("Delete a window (admin for the wide ones, as for creating)",
                         "ingest", status=204,
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
