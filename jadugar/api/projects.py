"""/api/v1/projects"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import cursor_arg, limit_arg, page, scope
from jadugar.api.openapi import PAGING, op, path_param
from jadugar.services import projects as svc


@api.get("/projects")
@scope("read")
def list_projects():
    limit, cursor = limit_arg(), cursor_arg()
    with db.transaction() as conn:
        rows = svc.list_projects(conn, limit, cursor[0] if cursor else None)
    return jsonify(page([svc.to_dict(r) for r in rows], rows, limit, lambda r: [r.slug]))


@api.get("/projects/<slug>")
@scope("read")
def get_project(slug: str):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.get_project(conn, slug)))


OPENAPI = {
    "paths": {
        "/projects": {"get": op("List projects", "read", response="Project", listing=True,
                                params=PAGING)},
        "/projects/{slug}": {"get": op("One project", "read", response="Project",
                                       params=[path_param("slug")])},
    },
    "schemas": {"Project": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "description": {"type": "string", "nullable": True},
        "repository_url": {"type": "string", "nullable": True},
        "repository": {"type": "string", "nullable": True},
        "default_branch": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"}}}},
}
