"""/api/v1/applications"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import created, cursor_arg, json_body, limit_arg, page
from jadugar.api.openapi import PAGING, op, path_param
from jadugar.services import applications as svc


@api.get("/applications")
def list_applications():
    limit, cursor = limit_arg(), cursor_arg()
    with db.transaction() as conn:
        rows = svc.list_applications(conn, limit, cursor[0] if cursor else None)
    return jsonify(page([svc.to_dict(r) for r in rows], rows, limit, lambda r: [r.slug]))


@api.post("/applications")
def create_application():
    body = json_body()
    with db.transaction() as conn:
        return created(svc.to_dict(svc.create_application(conn, body)))


@api.get("/applications/<slug>")
def get_application(slug: str):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.get_application(conn, slug)))


@api.patch("/applications/<slug>")
def update_application(slug: str):
    body = json_body()
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.update_application(conn, slug, body)))


@api.delete("/applications/<slug>")
def delete_application(slug: str):
    with db.transaction() as conn:
        svc.delete_application(conn, slug)
    return "", 204


_SLUG = [path_param("slug")]
OPENAPI = {
    "paths": {
        "/applications": {
            "get": op("List applications", "read", response="Application", listing=True,
                      params=PAGING),
            "post": op("Create an application", "admin", body="ApplicationInput",
                       response="Application", status=201)},
        "/applications/{slug}": {
            "get": op("One application", "read", response="Application", params=_SLUG),
            "patch": op("Change an application (slug stays)", "admin",
                        body="ApplicationInput", response="Application", params=_SLUG),
            "delete": op("Delete an application with its checks, history and metrics",
                         "admin", status=204, params=_SLUG)},
    },
    "schemas": {
        "Application": {"type": "object", "properties": {
            "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
            "description": {"type": "string", "nullable": True},
            "environment": {"type": "string", "nullable": True},
            "tags": {"type": "array", "items": {"type": "string"}},
            "owner": {"type": "string", "nullable": True},
            "projects": {"type": "array", "items": {"type": "string"},
                         "description": "Slugs of the linked projects (their deploys mark "
                                        "this application's charts)"},
            "status": {"type": "string", "enum": ["up", "degraded", "down", "unknown"]},
            "public": {"type": "boolean", "description": "Badges (/badge/{slug}/...) answer "
                       "for this application; off: they answer 404"},
            "created_at": {"type": "string", "format": "date-time"}}},
        "ApplicationInput": {"type": "object", "required": ["slug", "name"], "properties": {
            "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"},
            "name": {"type": "string"}, "description": {"type": "string"},
            "environment": {"type": "string"}, "owner": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "public": {"type": "boolean", "default": False,
                       "description": "Serve its badges to anyone (default off)"},
            "projects": {"type": "array", "items": {"type": "string"},
                         "description": "Slugs of the projects that build or deploy it; "
                                        "PATCH replaces the links"}},
            "additionalProperties": False},
    },
}
