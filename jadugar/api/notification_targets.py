"""/api/v1/notification-targets and /api/v1/notifications"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import created, json_body, known_fields, limit_arg
from jadugar.api.openapi import op, path_param, query_param
from jadugar.services import notifications as svc

TARGET_FIELDS = ("name", "url", "application", "enabled")


@api.get("/notification-targets")
def list_targets():
    with db.transaction() as conn:
        return jsonify({"items": [svc.to_dict(r) for r in svc.list_targets(conn)]})


@api.post("/notification-targets")
def create_target():
    body = known_fields(json_body(), TARGET_FIELDS)
    with db.transaction() as conn:
        return created(svc.to_dict(svc.create_target(conn, body)))


@api.patch("/notification-targets/<int:target_id>")
def update_target(target_id: int):
    body = known_fields(json_body(), TARGET_FIELDS)
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.update_target(conn, target_id, body)))


@api.delete("/notification-targets/<int:target_id>")
def delete_target(target_id: int):
    with db.transaction() as conn:
        svc.delete_target(conn, target_id)
    return "", 204


@api.post("/notification-targets/<int:target_id>/test")
def test_target(target_id: int):
    error = svc.send_test(target_id)
    return jsonify({"ok": error is None, "error": error})


@api.get("/notifications")
def list_notifications():
    limit = limit_arg()
    with db.transaction() as conn:
        return jsonify({"items": [svc.to_dict(r)
                                  for r in svc.list_notifications(conn, limit)]})


_ID = [path_param("target_id", "integer")]
OPENAPI = {
    "paths": {
        "/notification-targets": {
            "get": op("Notification targets (URLs hold secrets: admin only)", "admin"),
            "post": op("Add a target {name, url (Apprise URL), application?, enabled?}",
                       "admin", body="TargetInput", status=201)},
        "/notification-targets/{target_id}": {
            "patch": op("Change a target", "admin", body="TargetInput", params=_ID),
            "delete": op("Delete a target", "admin", status=204, params=_ID)},
        "/notification-targets/{target_id}/test": {
            "post": op("Send a test message now; answers {ok, error}", "admin", params=_ID)},
        "/notifications": {"get": op("Recent notifications with their errors", "admin",
                                     params=[query_param("limit", "integer")])},
    },
    "schemas": {"TargetInput": {"type": "object", "properties": {
        "name": {"type": "string"}, "url": {"type": "string"},
        "application": {"type": "string", "nullable": True},
        "min_severity": {"type": "string", "enum": ["info", "warning", "critical"],
                         "default": "info",
                         "description": "the target hears alerts at least this severe"},
        "enabled": {"type": "boolean"}}}},
}
