"""/api/v1/projects"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.csv_lists import wants_csv
from jadugar.api.helpers import created, cursor_arg, json_body, limit_arg, page
from jadugar.api.openapi import PAGING, op, path_param
from jadugar.services import projects as svc
from jadugar.services.csv_export import stream
from jadugar.services.webhooks import registry as ci_sources


@api.get("/projects")
def list_projects():
    if wants_csv():
        return stream(db.connection, svc.export, "projects.csv")
    limit, cursor = limit_arg(), cursor_arg()
    with db.transaction() as conn:
        rows = svc.list_projects(conn, limit, cursor[0] if cursor else None)
    return jsonify(page([svc.to_dict(r) for r in rows], rows, limit, lambda r: [r.slug]))


@api.post("/projects")
def create_project():
    body = json_body()
    with db.transaction() as conn:
        return created(svc.to_dict(svc.create_project(conn, body)))


@api.get("/projects/<slug>")
def get_project(slug: str):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.get_project(conn, slug)))


@api.patch("/projects/<slug>")
def update_project(slug: str):
    body = json_body()
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.update_project(conn, slug, body)))


@api.delete("/projects/<slug>")
def delete_project(slug: str):
    with db.transaction() as conn:
        svc.delete_project(conn, slug)
    return "", 204


@api.put("/projects/<slug>/webhook-secrets")
def set_webhook_secrets(slug: str):
    body = json_body()
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.set_webhook_secrets(conn, slug, body)))


SLUG = [path_param("slug")]
OPENAPI = {
    "paths": {
        "/projects": {
            "get": op("List projects (Accept: text/csv for CSV)", "read", response="Project",
                      listing=True, params=PAGING),
            "post": op("Create a project; a duplicate slug gets 409", "ingest",
                       body="ProjectCreate", response="Project", status=201)},
        "/projects/{slug}": {
            "get": op("One project", "read", response="Project", params=SLUG),
            "patch": op("Change a project", "ingest", body="ProjectPatch", response="Project",
                        params=SLUG),
            "delete": op("Delete a project with its builds and milestones", "admin",
                         status=204, params=SLUG)},
        "/projects/{slug}/webhook-secrets": {
            "put": op("Set or clear the project's own webhook secrets (never read back)",
                      "admin", body="WebhookSecrets", response="Project", params=SLUG)},
    },
    "schemas": {
        "Project": {"type": "object", "properties": {
            "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
            "description": {"type": "string", "nullable": True},
            "repository_url": {"type": "string", "nullable": True},
            "repository": {"type": "string", "nullable": True},
            "default_branch": {"type": "string"},
            # has_github_secret, has_gitlab_token, ...: one per CI source with project secrets
            **{s.secret_flag: {"type": "boolean"} for s in ci_sources.with_project_secret()},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"}}},
        "ProjectCreate": {"type": "object", "required": ["slug", "name"], "properties": {
            "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"},
            "name": {"type": "string"}, "description": {"type": "string"},
            "repository_url": {"type": "string"},
            "repository": {"type": "string", "description": "owner/name, as webhooks send it"},
            "default_branch": {"type": "string", "default": "main"}}},
        "ProjectPatch": {"type": "object", "properties": {
            "name": {"type": "string"}, "description": {"type": "string"},
            "repository_url": {"type": "string"}, "repository": {"type": "string"},
            "default_branch": {"type": "string"}}},
        "WebhookSecrets": {"type": "object", "properties": {
            s.secret_field: {"type": "string", "nullable": True,
                             "description": f"{s.secret_label}; empty or null clears it"}
            for s in ci_sources.with_project_secret()}},
    },
}
