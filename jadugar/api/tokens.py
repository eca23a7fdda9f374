"""/api/v1/tokens: token administration (admin scope); secrets are shown once at creation."""

from flask import g, jsonify

from jadugar import auth, db
from jadugar.api import api
from jadugar.api.helpers import created, json_body
from jadugar.api.openapi import op, path_param


@api.get("/tokens")
def list_tokens():
    with db.transaction() as conn:
        return jsonify({"items": auth.list_tokens(conn), "next_cursor": None})


@api.post("/tokens")
def create_token():
    body = json_body()
    with db.transaction() as conn:
        token_id, secret = auth.create_token(conn, body.get("name"), body.get("scope"))
    return created({"id": token_id, "name": body.get("name"), "scope": body.get("scope"),
                    "token": secret, "created_by_scope": g.get("api_scope")})


@api.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int):
    with db.transaction() as conn:
        auth.revoke_token(conn, token_id)
    return "", 204


OPENAPI = {
    "paths": {
        "/tokens": {"get": op("List API tokens", "admin", response="Token", listing=True),
                    "post": op("Create an API token (the secret is returned once)", "admin",
                               body="TokenCreate", response="Token", status=201)},
        "/tokens/{token_id}": {"delete": op("Revoke a token", "admin", status=204,
                                      params=[path_param("token_id", "integer")])},
    },
    "schemas": {
        "TokenCreate": {"type": "object", "required": ["name", "scope"], "properties": {
            "name": {"type": "string"},
            "scope": {"type": "string", "enum": ["read", "ingest", "admin"]}}},
        "Token": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "scope": {"type": "string"},
            "prefix": {"type": "string"}, "token": {"type": "string"}}},
    },
}
