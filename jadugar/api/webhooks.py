"""/api/v1/webhooks/{github,gitlab,generic}: CI deliveries, authenticated by each provider's
own mechanism instead of a Bearer token.

A delivery runs in a straight line: read the raw body → pick the secret (the project's own,
else the global setting) → verify → parse → normalise → in one transaction: drop a
redelivery, else upsert the build. Without any secret configured the delivery is refused
with 401 and a message saying which setting to set: an open endpoint would let anyone
write builds."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from jadugar import auth, config, db, policy
from jadugar.api import api
from jadugar.api.helpers import parse_json
from jadugar.api.openapi import op
from jadugar.errors import JadugarError, Unauthorized
from jadugar.services.build_reads import to_dict
from jadugar.services.webhooks import SOURCES, Ignored, verify_token
from jadugar.services.webhooks.ingest import first_delivery, ingest, repository_of, secret_for

SETTING_NAMES = {"github": "JADUGAR_GITHUB_WEBHOOK_SECRET",
                 "gitlab": "JADUGAR_GITLAB_WEBHOOK_TOKEN"}


def _parse(raw: bytes) -> tuple[Any, JadugarError | None]:
    """The body, or the error to answer once the sender is authenticated (an anonymous
    sender learns nothing about its payload)."""
    try:
        return parse_json(raw), None
    except JadugarError as exc:
        return None, exc


def _authenticate(name: str, raw: bytes, body: Any) -> None:
    source = SOURCES[name]
    if name == "generic":
        return _authenticate_generic()
    with db.transaction() as conn:
        secret = secret_for(conn, name, repository_of(name, body))
    if not secret:
        raise Unauthorized(f"no {name} webhook secret is configured: set "
                           f"{SETTING_NAMES[name]} or the project's own secret",
                           field=source.secret_header)
    assert source.verify is not None and source.secret_header is not None
    if not source.verify(secret, raw, request.headers.get(source.secret_header)):
        raise Unauthorized(f"the {source.secret_header} header is missing or wrong",
                           field=source.secret_header)


def _authenticate_generic() -> None:
    """X-Jadugar-Token when JADUGAR_GENERIC_WEBHOOK_TOKEN is set, or an ingest API token."""
    expected = config.get().generic_webhook_token
    given = request.headers.get("X-Jadugar-Token")
    if expected and given is not None:
        if verify_token(expected, given):
            return
        raise Unauthorized("the X-Jadugar-Token header is wrong", field="X-Jadugar-Token")
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else None
    if not token:
        raise Unauthorized("send Authorization: Bearer <ingest token>"
                           + (" or X-Jadugar-Token" if expected else ""),
                           field="Authorization")
    with db.transaction() as conn:
        granted = auth.token_scope(conn, token)
    if granted is None:
        raise Unauthorized("the API token is missing, revoked or wrong", field="Authorization")
    policy.require("builds.write", policy.Principal("scope", granted))


def receive(name: str):
    source = SOURCES[name]
    raw = request.get_data(cache=True)
    body, parse_error = _parse(raw)
    _authenticate(name, raw, body)
    if parse_error is not None:
        raise parse_error
    event_name = request.headers.get(source.event_header) if source.event_header else None
    event = source.normalize(event_name, body)
    if isinstance(event, Ignored):
        return jsonify({"status": "ignored", "reason": event.reason}), 202
    delivery = request.headers.get(source.delivery_header) if source.delivery_header else None
    with db.transaction() as conn:
        if not first_delivery(conn, name, delivery):
            return jsonify({"status": "duplicate",
                            "reason": f"delivery {delivery} was already processed"}), 200
        row, is_new = ingest(conn, event)
    return jsonify({"status": "created" if is_new else "updated",
                    "build": to_dict(row)}), 201 if is_new else 200


@api.post("/webhooks/github")
def github_webhook():
    return receive("github")


@api.post("/webhooks/gitlab")
def gitlab_webhook():
    return receive("gitlab")


@api.post("/webhooks/generic")
def generic_webhook():
    return receive("generic")


_RESULT = {"type": "object", "properties": {
    "status": {"type": "string", "enum": ["created", "updated", "duplicate", "ignored"]},
    "reason": {"type": "string"}, "build": {"$ref": "#/components/schemas/Build"}}}
OPENAPI = {
    "paths": {
        "/webhooks/github": {"post": op(
            "GitHub deliveries (workflow_run, workflow_job, check_suite, deployment_status); "
            "X-Hub-Signature-256 is verified, X-GitHub-Delivery makes redeliveries no-ops, "
            "other events get 202", None, response=_RESULT)},
        "/webhooks/gitlab": {"post": op(
            "GitLab Pipeline, Job and Deployment hooks; X-Gitlab-Token is verified", None,
            response=_RESULT)},
        "/webhooks/generic": {"post": op(
            "Jenkins or any script: the generic JSON shape (see the README); an ingest "
            "Bearer token or X-Jadugar-Token", None, body="GenericRun", response=_RESULT)},
    },
    "schemas": {"GenericRun": {"type": "object", "required": ["repository", "run_id", "status"],
                               "properties": {
        "repository": {"type": "string"}, "run_id": {"type": "string"},
        "status": {"type": "string"}, "branch": {"type": "string"},
        "commit": {"type": "string"}, "number": {"type": "integer"},
        "pipeline": {"type": "string"}, "kind": {"type": "string", "enum": ["build", "deploy"]},
        "environment": {"type": "string"}, "started_at": {"type": "string"},
        "finished_at": {"type": "string"}, "url": {"type": "string"},
        "progress": {"type": "number"}, "stages": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "status"]}}}}},
}
