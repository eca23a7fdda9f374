"""Authorization in one place: one before_request hook decides every request, from the
policy table (jadugar/policy.py).

Dash serves data through its own routes (/_dash-layout, /_dash-update-component), so a guard
that covered only page URLs would leak every chart. This hook covers the whole server: it
leaves open only what must be (login, health, static files, the public status pages, and API
routes that authenticate themselves), and it checks each Dash callback's own action before
the callback runs, since the browser can post any callback it likes.
"""

from __future__ import annotations

import json
from typing import Any

from flask import g, redirect, request, url_for

from jadugar import auth, db, policy
from jadugar.errors import NotFound, Unauthorized

PUBLIC_PREFIXES = (
    "/login", "/logout", "/healthz", "/readyz", "/assets/", "/vendor/", "/status/", "/badge/",
    "/_dash-component-suites/", "/favicon.ico", "/_favicon.ico",
)
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CALLBACK_PATH = "/_dash-update-component"


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def _api_action() -> str:
    if request.blueprint != "api":
        return "meta.read"  # an unknown API path: authenticate before saying 404
    return policy.endpoint_action(request.endpoint)


def _api_principal() -> policy.Principal:
    token = _bearer()
    if token:
        with db.transaction() as conn:
            granted = auth.token_scope(conn, token)
        if granted is None:
            raise Unauthorized("the API token is missing, revoked or wrong")
        g.api_scope = granted
        return policy.Principal("scope", granted)
    who = policy.current_principal()
    if who is not None and who != policy.ANONYMOUS and request.method in _SAFE_METHODS:
        # Signed-in people may read through the API (CSV links in the UI); writes need a
        # token so a cross-site form cannot ride on the session cookie.
        return who
    raise Unauthorized("send Authorization: Bearer <token>")


def _guard_api() -> None:
    action = _api_action()
    if policy.rule(action).mode != "table":
        return None  # public, or the route checks its own credential
    policy.require(action, _api_principal())
    if request.routing_exception is None and request.blueprint != "api":
        # Dash's catch-all page route would otherwise answer unknown API paths with HTML.
        raise NotFound(f"no API endpoint {request.method} {request.path}")
    return None


def callback_key(output: str, spec: dict[str, Any]) -> str:
    """How jadugar/policy_map.py names a callback: first output <- first input."""
    first = output.strip(".").split("...")[0].split("@")[0]
    component, _, prop = first.rpartition(".")
    inputs = spec.get("inputs") or [{"id": "", "property": ""}]
    return f"{_id_name(component)}.{prop} <- {_id_name(inputs[0]['id'])}"


def _id_name(component: str) -> str:
    if component.startswith("{"):
        try:
            return "{" + str(json.loads(component).get("type")) + "}"
        except (ValueError, AttributeError):
            return component
    return component


def _callback_spec(output: Any) -> dict[str, Any] | None:
    if not isinstance(output, str):
        return None
    # dash.callback registrations wait in Dash's global map until the app's first request.
    from dash import _callback, get_app

    found = get_app().callback_map.get(output)
    return found or _callback.GLOBAL_CALLBACK_MAP.get(output)


def _guard_callback() -> None:
    body = request.get_json(silent=True)
    output = body.get("output") if isinstance(body, dict) else None
    spec = _callback_spec(output)
    if spec is None:
        raise NotFound("no such callback")
    policy.require(policy.callback_action(callback_key(output, spec)))


def check_request():
    path = request.path
    if path.startswith(PUBLIC_PREFIXES) or path in ("/socket.io", "/metrics") \
            or path.startswith("/socket.io/"):
        return None  # Socket.IO authenticates in its connect handler; /metrics in selfmetrics
    if path.startswith("/api/"):
        return _guard_api()
    who = policy.current_principal()
    # Anonymous view reads pages and runs callbacks; anything else needs a session.
    if who is None or (who == policy.ANONYMOUS and request.method not in _SAFE_METHODS
                       and path != CALLBACK_PATH):
        if path.startswith("/_dash-") or request.method not in _SAFE_METHODS:
            raise Unauthorized("log in first")
        return redirect(url_for("login.login_form", next=request.full_path.rstrip("?")))
    policy.require("ui.use", who)
    if path == CALLBACK_PATH:
        _guard_callback()
    return None
