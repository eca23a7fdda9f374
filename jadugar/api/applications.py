"""/api/v1/applications"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import cursor_arg, limit_arg, page, scope
from jadugar.api.openapi import PAGING, op, path_param
from jadugar.services import applications as svc


@api.get("/applications")
@scope("read")
def list_applications():
    limit, cursor = limit_arg(), cursor_arg()
    with db.transaction() as conn:
        rows = svc.list_applications(conn, limit, cursor[0] if cursor else None)
    return jsonify(page([svc.to_dict(r) for r in rows], rows, limit, lambda r: [r.slug]))


@api.get("/applications/<slug>")
@scope("read")
def get_application(slug: str):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.get_application(conn, slug)))


OPENAPI = {
    "paths": {
        "/applications": {"get": op("List applications", "read", response="Application",
                                    listing=True, params=PAGING)},
        "/applications/{slug}": {"get": op("One application", "read", response="Application",
                                           params=[path_param("slug")])},
    },
    "schemas": {"Application": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "description": {"type": "string", "nullable": True},
        "environment": {"type": "string", "nullable": True},
        "tags": {"type": "array", "items": {"type": "string"}},
        "owner": {"type": "string", "nullable": True},
        "status": {"type": "string", "enum": ["up", "degraded", "down", "unknown"]},
        "created_at": {"type": "string", "format": "date-time"}}}},
}
