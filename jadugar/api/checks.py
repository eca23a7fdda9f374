"""/api/v1/applications/{slug}/checks and /api/v1/checks/{id}"""

from flask import jsonify, request

from jadugar import db, policy
from jadugar.api import api
from jadugar.api.helpers import created, cursor_arg, json_body, limit_arg, page, time_args
from jadugar.api.openapi import PAGING, TIME_RANGE, op, path_param, query_param
from jadugar.policy import current_actor
from jadugar.services import checks as svc
from jadugar.services import redact
from jadugar.services.csv_export import stream_query
from jadugar.services.serialize import row_dict


def _out(row) -> dict:
    out = svc.to_dict(row)
    if out.get("ping_url"):
        out["ping_url"] = request.host_url.rstrip("/") + out["ping_url"]
    # Credentials are stored apart and shown to nobody, admins included (masking again also
    # covers a header named secret after the check was saved); the ping URL is for admins.
    return redact.check(out, ping_url=policy.allowed(policy.current_principal(),
                                                     "checks.write"))


@api.get("/applications/<slug>/checks")
def list_checks(slug: str):
    limit, cursor = limit_arg(), cursor_arg()
    with db.transaction() as conn:
        rows = svc.list_checks(conn, slug, limit, int(cursor[0]) if cursor else None)
    return jsonify(page([_out(r) for r in rows], rows, limit, lambda r: [r.id]))


@api.post("/applications/<slug>/checks")
def create_check(slug: str):
    body = json_body()
    with db.transaction() as conn:
        return created(_out(svc.create_check(conn, slug, body, current_actor())))


@api.get("/checks/<int:check_id>")
def get_check(check_id: int):
    with db.transaction() as conn:
        return jsonify(_out(svc.get_check(conn, check_id)))


@api.patch("/checks/<int:check_id>")
def update_check(check_id: int):
    body = json_body()
    with db.transaction() as conn:
        return jsonify(_out(svc.update_check(conn, check_id, body, current_actor())))


@api.delete("/checks/<int:check_id>")
def delete_check(check_id: int):
    with db.transaction() as conn:
        svc.delete_check(conn, check_id, current_actor())
    return "", 204


@api.get("/checks/<int:check_id>/history")
def check_history(check_id: int):
    since, until = time_args()
    limit = limit_arg(100)
    with db.transaction() as conn:
        rows = svc.history(conn, check_id, since, until, limit)
    return jsonify({"items": [row_dict(r) for r in rows]})


@api.get("/checks/<int:check_id>/history.csv")
def check_history_csv(check_id: int):
    since, until = time_args()
    with db.transaction() as conn:
        svc.get_check(conn, check_id)
    limit = int(request.args["limit"]) if request.args.get("limit", "").isdigit() else None
    return stream_query(db.read_connection, svc.HISTORY_QUERY,
                        svc.history_params(check_id, since, until, limit),
                        f"check-{check_id}-history.csv")


_ID = [path_param("check_id", "integer")]
_HISTORY = [*_ID, *TIME_RANGE, query_param("limit", "integer", "1-1000, default 100")]
OPENAPI = {
    "paths": {
        "/applications/{slug}/checks": {
            "get": op("Checks of an application", "read", response="Check", listing=True,
                      params=[path_param("slug"), *PAGING]),
            "post": op("Create a check (heartbeat checks answer with their ping_url)",
                       "admin", body="CheckInput", response="Check", status=201,
                       params=[path_param("slug")])},
        "/checks/{check_id}": {
            "get": op("One check", "read", response="Check", params=_ID),
            "patch": op("Change a check", "admin", body="CheckInput", response="Check",
                        params=_ID),
            "delete": op("Delete a check and its history", "admin", status=204, params=_ID)},
        "/checks/{check_id}/history": {
            "get": op("Raw results, newest first", "read", params=_HISTORY,
                      response={"type": "object", "properties": {"items": {
                          "type": "array", "items": {"$ref": "#/components/schemas/Result"}}}})},
        "/checks/{check_id}/history.csv": {
            "get": op("Raw results as CSV, newest first", "read", params=_HISTORY)},
    },
    "schemas": {
        "CheckInput": {"type": "object", "required": ["name", "type", "interval_s"],
                       "properties": {
            "name": {"type": "string"},
            "type": {"type": "string", "description": "http, https, tcp, dns, tls, postgres, "
                     "redis, prometheus or heartbeat"},
            "target": {"type": "string"}, "interval_s": {"type": "integer", "minimum": 5},
            "timeout_s": {"type": "number"}, "retries": {"type": "integer"},
            "enabled": {"type": "boolean"}, "expect": {"type": "object"},
            "options": {"type": "object"}, "grace_s": {"type": "integer"},
            "depends_on": {"type": "integer", "nullable": True},
            "locations_required": {"type": "integer", "minimum": 1},
            "locations": {"type": "array", "items": {"type": "string"}, "nullable": True,
                          "description": "collector locations the check may run from; "
                                         "null: any healthy collector"}}},
        "Check": {"type": "object", "properties": {
            "id": {"type": "integer"}, "application": {"type": "string"},
            "name": {"type": "string"}, "type": {"type": "string"},
            "target": {"type": "string"}, "interval_s": {"type": "integer"},
            "status": {"type": "string"}, "last_run_at": {"type": "string", "nullable": True},
            "ping_url": {"type": "string", "nullable": True}}},
        "Result": {"type": "object", "properties": {
            "ts": {"type": "string", "format": "date-time"}, "location": {"type": "string"},
            "status": {"type": "string", "enum": ["up", "degraded", "down"]},
            "response_ms": {"type": "number", "nullable": True},
            "status_code": {"type": "integer", "nullable": True},
            "error": {"type": "string", "nullable": True},
            "details": {"type": "object", "nullable": True},
            "collector": {"type": "string", "nullable": True}}},
    },
}
