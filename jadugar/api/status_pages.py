"""/api/v1/status-pages: manage public status pages (admin); the pages themselves are served
at /status/<slug> without login by jadugar.web.status_page."""

from __future__ import annotations

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import created, json_body, known_fields
from jadugar.api.openapi import op, path_param
from jadugar.policy import current_actor
from jadugar.services import status_branding, status_incidents
from jadugar.services import status_pages as svc
from jadugar.services.serialize import value

PAGE_FIELDS = ("slug", "title", "description", "applications", *status_branding.FIELDS)


def _branding(body: dict) -> dict:
    return {k: body.get(k) for k in status_branding.FIELDS}


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
    body = known_fields(json_body(), PAGE_FIELDS)
    with db.transaction() as conn:
        svc.create_page(conn, body.get("slug"), body.get("title"), body.get("description"),
                        body.get("applications", []), _branding(body))
        return created(_one(conn, body["slug"]))


@api.put("/status-pages/<slug>")
def save_status_page(slug: str):
    body = known_fields(json_body(), PAGE_FIELDS)
    with db.transaction() as conn:
        svc.save_page(conn, slug, body.get("title"), body.get("description"),
                      body.get("applications", []), _branding(body))
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


def _incident(conn, slug: str, incident_id: int) -> dict:
    return _incident_out(status_incidents.get_incident(conn, slug, incident_id))


def _incident_out(incident: dict) -> dict:
    return {k: value(v) for k, v in incident.items()}


@api.get("/status-pages/<slug>/incidents")
def list_status_incidents(slug: str):
    with db.connection() as conn:
        items = status_incidents.list_incidents(conn, slug, limit=500)
        return jsonify({"items": [_incident_out(i) for i in items], "next_cursor": None})


@api.post("/status-pages/<slug>/incidents")
def open_status_incident(slug: str):
    body = known_fields(json_body(), ("title", "impact", "state", "message", "applications"))
    with db.transaction() as conn:
        incident_id = status_incidents.open_incident(conn, slug, body, current_actor())
        return created(_incident(conn, slug, incident_id))


@api.get("/status-pages/<slug>/incidents/<int:incident_id>")
def get_status_incident(slug: str, incident_id: int):
    with db.connection() as conn:
        return jsonify(_incident(conn, slug, incident_id))


@api.post("/status-pages/<slug>/incidents/<int:incident_id>/updates")
def update_status_incident(slug: str, incident_id: int):
    body = known_fields(json_body(), ("state", "message"))
    with db.transaction() as conn:
        status_incidents.post_update(conn, slug, incident_id, body, current_actor())
        return created(_incident(conn, slug, incident_id))


SLUG = [path_param("slug")]
INCIDENT = [path_param("slug"), path_param("incident_id", "integer")]
STATES = {"type": "string", "enum": list(status_incidents.STATES)}
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
        "/status-pages/{slug}/incidents": {
            "get": op("Incidents posted on a status page, newest first (the public Atom feed "
                      "is /status/{slug}/feed.atom)", "read",
                      response="StatusIncident", params=SLUG, listing=True),
            "post": op("Post an incident on a status page", "admin",
                       body="StatusIncidentInput", response="StatusIncident", params=SLUG,
                       status=201)},
        "/status-pages/{slug}/incidents/{incident_id}": {
            "get": op("One incident with its updates", "read", response="StatusIncident",
                      params=INCIDENT)},
        "/status-pages/{slug}/incidents/{incident_id}/updates": {
            "post": op("Post an update; state 'resolved' ends the incident", "admin",
                       body="StatusIncidentUpdateInput", response="StatusIncident",
                       params=INCIDENT, status=201)},
    },
    "schemas": {
        "StatusPageInput": {"type": "object", "required": ["title"], "properties": {
            "slug": {"type": "string"}, "title": {"type": "string"},
            "description": {"type": "string", "nullable": True},
            "applications": {"type": "array", "items": {"type": "string"},
                             "description": "application slugs, in display order"},
            "header_text": {"type": "string", "nullable": True, "maxLength": 2000,
                            "description": "plain text shown above the page's status"},
            "footer_text": {"type": "string", "nullable": True, "maxLength": 2000,
                            "description": "plain text shown at the foot of the page"},
            "logo_url": {"type": "string", "nullable": True, "maxLength": 2000,
                         "description": "an https:// URL of an image shown by the title"}}},
        "StatusPage": {"type": "object", "properties": {
            "slug": {"type": "string"}, "title": {"type": "string"},
            "description": {"type": "string", "nullable": True},
            "applications": {"type": "array", "items": {"type": "string"}},
            "header_text": {"type": "string", "nullable": True, "maxLength": 2000,
                            "description": "plain text shown above the page's status"},
            "footer_text": {"type": "string", "nullable": True, "maxLength": 2000,
                            "description": "plain text shown at the foot of the page"},
            "logo_url": {"type": "string", "nullable": True, "maxLength": 2000,
                         "description": "an https:// URL of an image shown by the title"},
            "created_at": {"type": "string", "format": "date-time"}}},
        "StatusIncidentInput": {"type": "object", "required": ["title", "message"],
                                "properties": {
            "title": {"type": "string", "maxLength": status_incidents.TITLE_MAX},
            "impact": {"type": "string", "enum": list(status_incidents.IMPACTS)
                       + list(status_incidents.OLD_IMPACTS), "default": "major",
                       "description": "degraded and down are older names of minor and "
                                      "major"},
            "state": {**STATES, "default": "investigating"},
            "message": {"type": "string", "maxLength": status_incidents.MESSAGE_MAX},
            "applications": {"type": "array", "items": {"type": "string"},
                             "description": "slugs of applications on the page; none means "
                                            "the whole page"}}},
        "StatusIncidentUpdateInput": {"type": "object", "required": ["state", "message"],
                                      "properties": {
            "state": STATES,
            "message": {"type": "string", "maxLength": status_incidents.MESSAGE_MAX}}},
        "StatusIncident": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "impact": {"type": "string", "enum": list(status_incidents.IMPACTS)},
            "state": STATES,
            "created_at": {"type": "string", "format": "date-time"},
            "created_by": {"type": "string", "nullable": True},
            "resolved_at": {"type": "string", "format": "date-time", "nullable": True},
            "applications": {"type": "array", "items": {"type": "string"}},
            "updates": {"type": "array", "items": {"type": "object", "properties": {
                "at": {"type": "string", "format": "date-time"}, "state": STATES,
                "message": {"type": "string"},
                "author": {"type": "string", "nullable": True}}}}}},
    },
}
