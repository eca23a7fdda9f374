"""/api/v1/webhooks/<source>: CI deliveries, one route per source of the registry
(jadugar/services/webhooks/registry.py), each authenticated by its source's own mechanism
instead of a Bearer token.

A delivery runs in a straight line: read the raw body → authenticate as the source's
`auth` says (for a signature or token: the project's own secret, else the global setting)
→ parse → normalise → in one transaction: drop a redelivery, else upsert the build.
Without any secret configured the delivery is refused with 401 and a message saying what
to set: an open endpoint would let anyone write builds.

Every route shares the endpoint "api.webhook" (the policy table's "self": the route
authenticates itself), so a plug-in source needs no entry of its own there."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from jadugar import auth, db, policy
from jadugar.api import api
from jadugar.api.helpers import parse_json
from jadugar.api.openapi import op
from jadugar.errors import JadugarError, Unauthorized
from jadugar.services.build_reads import to_dict
from jadugar.services.webhooks import CISource, Ignored, registry
from jadugar.services.webhooks.ingest import first_delivery, global_secret, ingest, secret_for


def _parse(raw: bytes) -> tuple[Any, JadugarError | None]:
    """The body, or the error to answer once the sender is authenticated (an anonymous
    sender learns nothing about its payload)."""
    try:
        return parse_json(raw), None
    except JadugarError as exc:
        return None, exc


def _authenticate(source: CISource, raw: bytes, body: Any) -> None:
    if source.auth.kind == "ingest":
        return _authenticate_ingest(source)
    header = source.auth.header
    with db.transaction() as conn:
        secret = secret_for(conn, source.name, source.find_repository(body))
    if not secret:
        raise Unauthorized(f"no {source.name} webhook secret is configured: set "
                           f"{_where_to_set(source)}", field=header)
    if not source.auth.verify(secret, raw, request.headers.get(header)):
        raise Unauthorized(f"the {header} header is missing or wrong", field=header)


def _where_to_set(source: CISource) -> str:
    places = [source.setting] if source.setting else []
    if source.project_secret:
        places.append(f"the project's own secret ({source.secret_field})")
    return " or ".join(places)


def _authenticate_ingest(source: CISource) -> None:
    """The source's header equal to its setting when that is set, or an ingest API token."""
    header = source.auth.header
    expected = global_secret(source.name)
    given = request.headers.get(header)
    if expected and given is not None:
        if source.auth.verify(expected, b"", given):
            return
        raise Unauthorized(f"the {header} header is wrong", field=header)
    bearer = request.headers.get("Authorization", "")
    token = bearer[7:].strip() if bearer[:7].lower() == "bearer " else None
    if not token:
        raise Unauthorized("send Authorization: Bearer <ingest token>"
                           + (f" or {header}" if expected else ""), field="Authorization")
    with db.transaction() as conn:
        granted = auth.token_scope(conn, token)
    if granted is None:
        raise Unauthorized("the API token is missing, revoked or wrong", field="Authorization")
    policy.require("builds.write", policy.Principal("scope", granted))


def receive(name: str):
    source = registry.get(name)
    raw = request.get_data(cache=True)
    body, parse_error = _parse(raw)
    _authenticate(source, raw, body)
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


def _body_schema_name(source: CISource) -> str:
    return source.title.replace(" ", "") + "Run"


_RESULT = {"type": "object", "properties": {
    "status": {"type": "string", "enum": ["created", "updated", "duplicate", "ignored"]},
    "reason": {"type": "string"}, "build": {"$ref": "#/components/schemas/Build"}}}
OPENAPI: dict[str, dict[str, Any]] = {"paths": {}, "schemas": {}}


def register_routes() -> None:
    """POST <source.path> for every source, and its entry in the OpenAPI document."""
    for source in registry.sources().values():
        # One view for every source; `defaults` hands it the source's name.
        api.add_url_rule(source.path, endpoint="webhook", view_func=receive,
                         methods=["POST"], defaults={"name": source.name})
        body = _body_schema_name(source) if source.body_schema else None
        OPENAPI["paths"][source.path] = {"post": op(
            source.summary or f"{source.title} deliveries", None, body=body,
            response=_RESULT, also=(201, 202))}
        if body:
            OPENAPI["schemas"][body] = dict(source.body_schema or {})


register_routes()
