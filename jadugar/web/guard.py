"""Authorization in one place: one before_request hook decides every request.

Dash serves data through its own routes (/_dash-layout, /_dash-update-component), so a guard
that covered only page URLs would leak every chart. This hook covers the whole server and
leaves open only what must be: login, health, static files, the public status pages, and
API routes that authenticate themselves (webhooks, heartbeats).
"""

from __future__ import annotations

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user

from jadugar import auth, config, db
from jadugar.errors import JadugarError, NotFound, Unauthorized

PUBLIC_PREFIXES = (
    "/login", "/healthz", "/readyz", "/assets/", "/vendor/", "/status/",
    "/_dash-component-suites/", "/favicon.ico", "/_favicon.ico",
)
# Read-only Dash plumbing an anonymous viewer may use when JADUGAR_ANONYMOUS_VIEW=1.
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def current_role() -> str | None:
    """The role of whoever sent this request: a user's role, a token's scope, 'viewer' for an
    anonymous visitor when anonymous view is on, or None."""
    if getattr(g, "api_scope", None):
        return g.api_scope
    if current_user and current_user.is_authenticated:
        return current_user.role
    if config.get().anonymous_view:
        return "viewer"
    return None


def current_actor() -> str:
    if current_user and current_user.is_authenticated:
        return current_user.username
    return "token" if getattr(g, "api_scope", None) else "anonymous"


def require_role(needed: str) -> None:
    """For writes from the UI: raise unless the signed-in person may do `needed`."""
    auth.require(current_role(), needed)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def _api_scope_needed() -> str | None | bool:
    """The scope the matched API endpoint needs; False when it authenticates itself."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return "read"  # unknown route: still authenticate before saying 404
    if hasattr(view, "required_scope"):
        return view.required_scope if view.required_scope is not None else False
    return "read" if request.method in _SAFE_METHODS else "admin"


def _guard_api():
    needed = _api_scope_needed()
    if needed is False:
        return None
    token = _bearer()
    if token:
        with db.transaction() as conn:
            granted = auth.token_scope(conn, token)
        if granted is None:
            raise Unauthorized("the API token is missing, revoked or wrong")
        g.api_scope = granted
    elif current_user.is_authenticated and request.method in _SAFE_METHODS:
        # Signed-in people may read through the API (CSV links in the UI); writes need a
        # token so a cross-site form cannot ride on the session cookie.
        granted = current_user.role
    else:
        raise Unauthorized("send Authorization: Bearer <token>")
    auth.require(granted, needed)
    if request.routing_exception is None and request.blueprint != "api":
        # Dash's catch-all page route would otherwise answer unknown API paths with HTML.
        raise NotFound(f"no API endpoint {request.method} {request.path}")
    return None


def check_request():
    path = request.path
    if path.startswith(PUBLIC_PREFIXES) or path == "/socket.io" or path.startswith("/socket.io/"):
        return None  # Socket.IO authenticates in its connect handler
    if path.startswith("/api/"):
        return _guard_api()
    if current_user.is_authenticated:
        return None
    if config.get().anonymous_view and (request.method in _SAFE_METHODS
                                        or path.startswith("/_dash-")):
        return None  # callbacks that write check the role themselves
    if path.startswith("/_dash-") or request.method not in _SAFE_METHODS:
        raise JadugarError("log in first", code="unauthorized", status=401)
    return redirect(url_for("login.login_form", next=request.full_path.rstrip("?")))
