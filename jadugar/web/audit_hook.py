"""Binds each changing request to its actor for the audit log: the API token (by its name
and prefix) or the signed-in user, the client address, and the channel (api, ui, webhook).

Reads (GET, HEAD, OPTIONS) change no settings, so they are not bound and their transactions
skip the extra statement. The binding is undone when the request ends: gunicorn's threads
serve many requests, and one must never be recorded under another's name."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user

from jadugar import audit_context, auth

_READS = ("GET", "HEAD", "OPTIONS")
_SELF_AUTHENTICATED = ("/api/v1/webhooks/", "/api/v1/heartbeat/")


def install(server: Flask) -> None:
    """Register after the guard (jadugar.web.guard), so refused requests are never bound."""
    server.before_request(bind_request)
    server.teardown_request(unbind_request)


def _bearer_prefix() -> str | None:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    # The stored prefix is the token's first ten characters: enough to name it, useless
    # to anyone who reads the log.
    return token[:10] if token.startswith(auth.TOKEN_PREFIX) else None


def _who() -> tuple[str, str, str | None]:
    """(actor, via, token prefix) of this request."""
    path = request.path
    if path.startswith(_SELF_AUTHENTICATED):
        # Named by route, never by the heartbeat path itself: its last segment is a secret.
        parts = path.split("/")
        actor = "heartbeat" if parts[3] == "heartbeat" else f"webhook {parts[4]}"
        return actor, "webhook", None
    if path.startswith("/api/"):
        prefix = _bearer_prefix()
        if prefix:
            return f"token {prefix}…", "api", prefix
    user = current_user
    name = user.username if user and user.is_authenticated else "anonymous"
    return name, "api" if path.startswith("/api/") else "ui", None


def bind_request() -> None:
    if request.method in _READS:
        return
    actor, via, prefix = _who()
    g.audit_binding = audit_context.bind(actor, request.remote_addr, via, prefix)


def unbind_request(_exc: BaseException | None = None) -> None:
    token = g.pop("audit_binding", None)
    if token is not None:
        audit_context.unbind(token)
