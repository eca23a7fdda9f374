"""/api/v1/collectors"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.openapi import op
from jadugar.services import collector_status as svc


@api.get("/collectors")
def list_collectors():
    with db.transaction() as conn:
        return jsonify({"items": svc.list_collectors(conn)})


OPENAPI = {
    "paths": {"/collectors": {"get": op(
        "Collectors and their health: last seen, checks/s, lag, spool size, impaired", "read",
        response={"type": "object", "properties": {"items": {"type": "array", "items": {
            "$ref": "#/components/schemas/Collector"}}}})}},
    "schemas": {"Collector": {"type": "object", "properties": {
        "name": {"type": "string"}, "location": {"type": "string"},
        "hostname": {"type": "string", "nullable": True},
        "pid": {"type": "integer", "nullable": True},
        "started_at": {"type": "string"}, "last_seen_at": {"type": "string"},
        "stale": {"type": "boolean"}, "checks_per_s": {"type": "number"},
        "lag_p50_ms": {"type": "number", "nullable": True},
        "lag_p99_ms": {"type": "number", "nullable": True},
        "spool_size": {"type": "integer"},
        "recent_ok": {"type": "integer", "description": "results not down, last minute"},
        "recent_failed": {"type": "integer", "description": "results down, last minute"},
        "impaired_since": {"type": "string", "nullable": True, "description":
                           "set while it alone sees nearly every target fail"}}}},
}
