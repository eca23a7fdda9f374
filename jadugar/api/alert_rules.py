"""/api/v1/alert-rules"""

from flask import jsonify, request

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import created, json_body, known_fields
from jadugar.api.openapi import op, path_param, query_param
from jadugar.policy import current_actor
from jadugar.services import alert_rules as svc

RULE_FIELDS = ("kind", "name", "threshold", "recover_threshold", "window_s", "for_s",
               "params", "severity", "repeat_s", "max_reminders", "group_by", "enabled",
               "branch", "environment")


@api.get("/alert-rules")
def list_rules():
    check = request.args.get("check_id")
    with db.transaction() as conn:
        rows = svc.list_rules(conn, int(check) if check and check.isdigit() else None,
                              request.args.get("application") or None,
                              request.args.get("project") or None)
    return jsonify({"items": [svc.to_dict(r) for r in rows]})


@api.post("/alert-rules")
def create_rule():
    body = known_fields(json_body(), ("check_id", "application", "project", *RULE_FIELDS))
    with db.transaction() as conn:
        return created(svc.to_dict(svc.create_rule(conn, body, current_actor())))


@api.get("/alert-rules/<int:rule_id>")
def get_rule(rule_id: int):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.get_rule(conn, rule_id)))


@api.patch("/alert-rules/<int:rule_id>")
def update_rule(rule_id: int):
    body = known_fields(json_body(), RULE_FIELDS)
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.update_rule(conn, rule_id, body, current_actor())))


@api.delete("/alert-rules/<int:rule_id>")
def delete_rule(rule_id: int):
    with db.transaction() as conn:
        svc.delete_rule(conn, rule_id, current_actor())
    return "", 204


_ID = [path_param("rule_id", "integer")]
OPENAPI = {
    "paths": {
        "/alert-rules": {
            "get": op("Alert rules", "read", params=[query_param("check_id", "integer"),
                                                     query_param("application"),
                                                     query_param("project")]),
            "post": op("Create an alert rule", "admin", body="AlertRuleInput",
                       response="AlertRule", status=201)},
        "/alert-rules/{rule_id}": {
            "get": op("One alert rule", "read", response="AlertRule", params=_ID),
            "patch": op("Change an alert rule", "admin", body="AlertRuleInput",
                        response="AlertRule", params=_ID),
            "delete": op("Delete an alert rule", "admin", status=204, params=_ID)},
    },
    "schemas": {
        "AlertRuleInput": {"type": "object", "required": ["kind"], "properties": {
            "check_id": {"type": "integer"}, "application": {"type": "string"},
            "project": {"type": "string", "description": "a project's slug: build and "
                        "deploy kinds (build_failed, ...) belong to a project"},
            "branch": {"type": "string", "description": "project rules: a branch glob "
                       "(default: the project's default branch for build_failed, any "
                       "branch otherwise)"},
            "environment": {"type": "string", "description": "deploy rules: an environment "
                            "glob (default: JADUGAR_PRODUCTION_ENVIRONMENTS)"},
            "kind": {"type": "string", "enum": list(svc.KINDS)},
            "threshold": {"type": "number"}, "recover_threshold": {"type": "number"},
            "window_s": {"type": "integer"}, "for_s": {"type": "integer"},
            "repeat_s": {"type": "integer", "description": "seconds between reminders; 0: none"},
            "max_reminders": {"type": "integer", "minimum": 0, "default": 3,
                              "description": "reminders after the first notification"},
            "group_by": {"type": "string", "enum": list(svc.GROUP_BY),
                         "default": "application",
                         "description": "open alerts with the same application (or check) "
                                        "are one incident, notified once"},
            "severity": {"type": "string", "enum": list(svc.SEVERITIES)},
            "params": {"type": "object"}, "name": {"type": "string"},
            "enabled": {"type": "boolean"}}},
        "AlertRule": {"type": "object", "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string"},
            "check_id": {"type": "integer", "nullable": True},
            "application": {"type": "string", "nullable": True},
            "project": {"type": "string", "nullable": True},
            "branch": {"type": "string", "nullable": True},
            "environment": {"type": "string", "nullable": True},
            "threshold": {"type": "number", "nullable": True},
            "max_reminders": {"type": "integer"}, "group_by": {"type": "string"},
            "is_default": {"type": "boolean"}, "enabled": {"type": "boolean"}}},
    },
}
