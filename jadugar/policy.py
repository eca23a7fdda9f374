"""Who may do what: one table of actions, and who is asking.

Every action names the session roles and the token scopes that may perform it. The API
guard (jadugar/web/guard.py) looks up the action of each endpoint, and of each Dash callback,
in jadugar/policy_map.py, and checks it here before anything runs; pages use the same
actions to decide what to show. docs/security-policy.md is generated from this table.

Rules the table does not repeat on every line (they follow from how the server is built):
- "anonymous" is a visitor who is not signed in, and counts only while
  JADUGAR_ANONYMOUS_VIEW=1. The API never serves anonymous visitors.
- Tokens work on /api only; the pages and their callbacks need a session.
- A session may read through the API (the CSV links in the pages), but API writes need a
  token, so a cross-site form cannot ride on the session cookie.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jadugar import config
from jadugar.errors import Forbidden, JadugarError, Unauthorized
from jadugar.policy_map import CALLBACKS, ENDPOINTS

ROLES = ("anonymous", "viewer", "editor", "admin")
SCOPES = ("read", "ingest", "admin")

EVERYONE = ("anonymous", "viewer", "editor", "admin")
SIGNED_IN = ("viewer", "editor", "admin")
EDITORS = ("editor", "admin")
ADMINS = ("admin",)
ANY_SCOPE = ("read", "ingest", "admin")
INGEST = ("ingest", "admin")
ADMIN_SCOPE = ("admin",)
NO_SCOPE: tuple[str, ...] = ()

# The longest one-off maintenance window an editor (or ingest token) may open, for one
# application or check. Anything wider silences too much to leave below admin.
EDITOR_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Rule:
    roles: tuple[str, ...]
    scopes: tuple[str, ...]
    help: str
    mode: str = "table"  # "public": no identity needed; "self": the route checks its own


ACTIONS: dict[str, Rule] = {
    "public": Rule(EVERYONE, ANY_SCOPE, "no identity needed (the OpenAPI document, badges "
                   "of public applications, status pages and their feeds)", "public"),
    "self": Rule(EVERYONE, ANY_SCOPE, "the route authenticates itself: CI webhooks (signature "
                 "or token), heartbeat pings (the token in the URL)", "self"),
    "ui.use": Rule(EVERYONE, NO_SCOPE, "load pages; controls that read no data"),
    "live.subscribe": Rule(EVERYONE, ANY_SCOPE, "receive live events (Socket.IO)"),
    "meta.read": Rule(SIGNED_IN, ANY_SCOPE, "the API index; unknown API paths"),
    "builds.read": Rule(EVERYONE, ANY_SCOPE,
                        "projects, builds, milestones, status updates, delivery"),
    "monitoring.read": Rule(EVERYONE, ANY_SCOPE, "application status, check results, "
                            "metrics, SLA reports, CSV exports"),
    "alerts.read": Rule(EVERYONE, ANY_SCOPE, "alerts"),
    "applications.read": Rule(SIGNED_IN, ANY_SCOPE, "application definitions (Settings)"),
    "checks.read": Rule(SIGNED_IN, ANY_SCOPE,
                        "check definitions (credentials masked below admin)"),
    "alert_rules.read": Rule(SIGNED_IN, ANY_SCOPE, "alert rules"),
    "maintenance.read": Rule(SIGNED_IN, ANY_SCOPE, "maintenance windows"),
    "status_pages.read": Rule(SIGNED_IN, ANY_SCOPE, "status page definitions"),
    "collectors.read": Rule(SIGNED_IN, ANY_SCOPE, "collectors: host names, versions, load"),
    "notification_targets.read": Rule(ADMINS, ADMIN_SCOPE,
                                      "notification targets and sends (URLs hold secrets)"),
    "webhook_secrets.read": Rule(ADMINS, ADMIN_SCOPE, "which projects have webhook secrets"),
    "tokens.read": Rule(ADMINS, ADMIN_SCOPE, "API tokens"),
    "users.read": Rule(ADMINS, NO_SCOPE, "users and roles"),
    "audit.read": Rule(ADMINS, ADMIN_SCOPE, "the audit log: who changed what, from where"),
    "builds.write": Rule(EDITORS, INGEST, "post and update builds; re-mark a build"),
    "milestones.write": Rule(EDITORS, INGEST, "create, edit and delete milestones"),
    "status_updates.write": Rule(EDITORS, INGEST, "post status updates"),
    "projects.write": Rule(EDITORS, INGEST, "create and edit projects"),
    "metrics.write": Rule(EDITORS, INGEST, "push metric samples"),
    "alerts.act": Rule(EDITORS, INGEST, "acknowledge and resolve alerts"),
    "maintenance.write": Rule(EDITORS, INGEST, "create or delete a one-off maintenance "
                              "window for one application or check, at most 7 days long"),
    "maintenance.wide": Rule(ADMINS, ADMIN_SCOPE, "create or delete any other window: for "
                             "every application, repeating, or longer than 7 days"),
    "projects.delete": Rule(ADMINS, ADMIN_SCOPE, "delete projects"),
    "webhook_secrets.write": Rule(ADMINS, ADMIN_SCOPE, "set and clear webhook secrets"),
    "applications.write": Rule(ADMINS, ADMIN_SCOPE, "create, edit and delete applications"),
    "checks.write": Rule(ADMINS, ADMIN_SCOPE, "create, edit and delete checks (they make the "
                         "server send requests, and their forms hold credentials)"),
    "alert_rules.write": Rule(ADMINS, ADMIN_SCOPE, "create, edit and delete alert rules"),
    "status_pages.write": Rule(ADMINS, ADMIN_SCOPE, "create, edit and delete public pages"),
    "notification_targets.write": Rule(ADMINS, ADMIN_SCOPE,
                                       "create, edit, test and delete notification targets"),
    "tokens.write": Rule(ADMINS, ADMIN_SCOPE, "create and revoke API tokens"),
    "users.write": Rule(ADMINS, NO_SCOPE, "add users, change roles, deactivate, reset "
                        "passwords"),
    "metrics.scrape": Rule(ADMINS, ANY_SCOPE, "read /metrics (Prometheus text); so may "
                           "JADUGAR_METRICS_TOKEN and addresses in JADUGAR_METRICS_ALLOW"),
    "unlisted": Rule(ADMINS, ADMIN_SCOPE, "a route or callback missing from the map (a test "
                     "fails while one is)"),
}


@dataclass(frozen=True)
class Principal:
    """Who is asking: a role ('anonymous' or a signed-in user's) or an API token's scope."""
    kind: str  # "role" or "scope"
    name: str

    def __str__(self) -> str:
        if self.name == "anonymous":
            return "you are not signed in"
        return f"you have the {self.name} role" if self.kind == "role" else \
            f"your token has the {self.name} scope"


ANONYMOUS = Principal("role", "anonymous")


def principal(who: Principal | str | None) -> Principal | None:
    """A Principal from a role or scope name ('admin' is the role; it covers the scope)."""
    if who is None or isinstance(who, Principal):
        return who
    if who in ROLES:
        return Principal("role", who)
    return Principal("scope", who) if who in SCOPES else None


def rule(action: str) -> Rule:
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(f"no action {action!r} in the policy table") from None


def allowed(who: Principal | str | None, action: str) -> bool:
    """May `who` (a role, a scope, or None for nobody) do `action`?"""
    r = rule(action)
    if r.mode != "table":
        return True
    p = principal(who)
    if p is None:
        return False
    if p.kind == "scope":
        return p.name in r.scopes
    if p == ANONYMOUS and not config.get().anonymous_view:
        return False
    return p.name in r.roles


def _needs(r: Rule, kind: str) -> str:
    names = r.roles if kind == "role" else r.scopes
    if not names:
        return "is not open to API tokens" if kind == "scope" else "is for API tokens only"
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"needs the {listed} {kind}"


_CURRENT: Any = object()


def require(action: str, who: Principal | str | None = _CURRENT) -> None:
    """Raise Unauthorized (nobody) or Forbidden (not allowed) unless `who` — by default
    whoever sent this request — may do `action`."""
    p = current_principal() if who is _CURRENT else principal(who)
    if allowed(p, action):
        return
    if p is None:
        raise Unauthorized("log in, or send Authorization: Bearer <token>")
    raise Forbidden(f"{action} {_needs(rule(action), p.kind)}; {p}")


def endpoint_action(endpoint: str | None) -> str:
    return ENDPOINTS.get(endpoint or "", "unlisted")


def callback_action(key: str) -> str:
    return CALLBACKS.get(key, "unlisted")


# --- who is asking ---------------------------------------------------------------------------

def current_principal() -> Principal | None:
    """Whoever sent this request: an API token's scope (set by the guard), a signed-in
    user's role, an anonymous visitor when anonymous view is on, or None."""
    from flask import g
    from flask_login import current_user

    scope = getattr(g, "api_scope", None)
    if scope:
        return Principal("scope", scope)
    if current_user and current_user.is_authenticated:
        return Principal("role", current_user.role)
    return ANONYMOUS if config.get().anonymous_view else None


def current_actor() -> str:
    """The name written into history rows for whoever sent this request."""
    from flask import g
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return current_user.username
    return "token" if getattr(g, "api_scope", None) else "anonymous"


# --- rules that depend on the data -----------------------------------------------------------

def maintenance_action(window: Mapping[str, Any]) -> str:
    """The action a maintenance window needs, judged on its stored row (or an input with the
    same keys): 'maintenance.wide' when it covers every application, repeats, or lasts
    longer than EDITOR_WINDOW; else 'maintenance.write'. Unreadable times count as narrow:
    the service refuses them anyway."""
    from jadugar.timeutil import parse_time

    if not window.get("application") and window.get("check_id") is None:
        return "maintenance.wide"
    if (window.get("recurrence") or "none") != "none":
        return "maintenance.wide"
    try:
        starts = parse_time(window.get("starts_at"), "starts_at")
        ends = parse_time(window.get("ends_at"), "ends_at")
    except (JadugarError, TypeError, ValueError):
        return "maintenance.write"
    if starts is not None and ends is not None and ends - starts > EDITOR_WINDOW:
        return "maintenance.wide"
    return "maintenance.write"
