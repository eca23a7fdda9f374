"""/api/v1/silences: hold back notifications for an application, a check or everything
until an end time; alerts still open and show (jadugar.services.silences)."""

from __future__ import annotations

from flask import jsonify, request

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import created, json_body, known_fields
from jadugar.api.openapi import op, path_param, query_param
from jadugar.policy import current_actor
from jadugar.services import silences as svc
from jadugar.services.serialize import value


def _out(silence: dict) -> dict:
    return {k: value(v) for k, v in silence.items()}


@api.get("/silences")
def list_silences():
    expired = request.args.get("include_expired") in ("1", "true")
    with db.connection() as conn:
        return jsonify({"items": [_out(s) for s in svc.list_silences(conn, expired)],
                        "next_cursor": None})


@api.post("/silences")
def create_silence():
    body = known_fields(json_body(), ("application", "check_id", "project", "starts_at",
                                      "ends_at", "duration_s", "reason"))
    with db.transaction() as conn:
        silence_id = svc.create_silence(conn, body, current_actor())
        return created(_out(svc.get_silence(conn, silence_id)))


@api.delete("/silences/<int:silence_id>")
def expire_silence(silence_id: int):
    with db.transaction() as conn:
        svc.expire(conn, silence_id)
    return "", 204


OPENAPI = {
    "paths": {
        "/silences": {
            "get": op("Silences that have not ended (include_expired=true: all)", "read",
                      response="Silence", listing=True,
                      params=[query_param("include_expired", "boolean")]),
            "post": op("Silence notifications for an application, a check or everything",
                       "ingest", body="SilenceInput", response="Silence", status=201)},
        "/silences/{silence_id}": {
            "delete": op("End a silence now", "ingest",
                         params=[path_param("silence_id", "integer")], status=204)},
    },
    "schemas": {
        "SilenceInput": {"type": "object", "required": ["reason"], "properties": {
            "application": {"type": "string", "description": "slug; none: every application"},
            "check_id": {"type": "integer"},
            "project": {"type": "string", "description": "slug: that project's build and "
                        "deploy alerts only"},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "duration_s": {"type": "number", "description": "instead of ends_at"},
            "reason": {"type": "string", "maxLength": 500}}},
        "Silence": {"type": "object", "properties": {
            "id": {"type": "integer"}, "application": {"type": "string", "nullable": True},
            "check_id": {"type": "integer", "nullable": True},
            "check_name": {"type": "string", "nullable": True},
            "project": {"type": "string", "nullable": True},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "reason": {"type": "string"}, "created_by": {"type": "string", "nullable": True},
            "created_at": {"type": "string", "format": "date-time"},
            "active": {"type": "boolean"}}},
    },
}
