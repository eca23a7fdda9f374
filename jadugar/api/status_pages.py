"""/api/v1/status-pages: manage public status pages (admin); the pages themselves are served
at /status/<slug> without login by jadugar.web.status_page."""

from __future__ import annotations

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import created, json_body, known_fields
from jadugar.api.openapi import op, path_param
from jadugar.services import status_pages as svc
from jadugar.services.serialize import value


def _out(page: dict) -> dict:
    return {k: value(v) for k, v in page.items() if k != "id"}


def _one(conn, slug: str) -> dict:
    from jadugar.errors import NotFound

    for page in svc.list_pages(conn):
        if page["slug"] == slug:
            return _out(page)
    raise NotFound(f"no status page {slug!r}", field="slug")


@api.get("/status-pages")
def list_status_pages():
    with db.connection() as conn:
        return jsonify({"items": [_out(p) for p in svc.list_pages(conn)], "next_cursor": None})


@api.post("/status-pages")
def create_status_page():
    body = known_fields(json_body(), ("slug", "title", "description", "applications"))
    with db.transaction() as conn:
        svc.create_page(conn, body.get("slug"), body.get("title"), body.get("description"),
                        body.get("applications", []))
        return created(_one(conn, body["slug"]))


@api.put("/status-pages/<slug>")
def save_status_page(slug: str):
    body = known_fields(json_body(), ("slug", "title", "description", "applications"))
    with db.transaction() as conn:
        svc.save_page(conn, slug, body.get("title"), body.get("description"),
                      body.get("applications", []))
        return jsonify(_one(conn, slug))


@api.get("/status-pages/<slug>")
def get_status_page(slug: str):
    with db.connection() as conn:
        return jsonify(_one(conn, slug))


@api.delete("/status-pages/<slug>")
def delete_status_page(slug: str):
    with db.transaction() as conn:
        svc.delete_page(conn, slug)
    return "", 204


SLUG = [path_param("slug")]
OPENAPI = {
    "paths": {
        "/status-pages": {
            "get": op("List status pages", "read", response="StatusPage", listing=True),
            "post": op("Create a status page", "admin", body="StatusPageInput",
                       response="StatusPage", status=201)},
        "/status-pages/{slug}": {
            "get": op("One status page", "read", response="StatusPage", params=SLUG),
            "put": op("Create or replace a status page", "admin", body="StatusPageInput",
                      response="StatusPage", params=SLUG),
            "delete": op("Delete a status page", "admin", params=SLUG, status=204)},
    },
    "schemas": {
        "StatusPageInput": {"type": "object", "required": ["title"], "properties": {
            "slug": {"type": "string"}, "title": {"type": "string"},
            "description": {"type": "string", "nullable": True},
            "applications": {"type": "array", "items": {"type": "string"},
                             "description": "application slugs, in display order"}}},
        "StatusPage": {"type": "object", "properties": {
            "slug": {"type": "string"}, "title": {"type": "string"},
            "description": {"type": "string", "nullable": True},
            "applications": {"type": "array", "items": {"type": "string"}},
            "created_at": {"type": "string", "format": "date-time"}}},
    },
}
