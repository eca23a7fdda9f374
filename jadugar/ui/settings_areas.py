"""The settings areas: what each form asks, which service it calls, what its list shows.
Writes go through the services of the collector work (applications, checks, maintenance,
notifications) and status_pages; the forms only turn browser values into their input."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc
from sqlalchemy import text

from jadugar import auth, db
from jadugar.services import applications, checks, maintenance, notifications, status_pages
from jadugar.services.check_fields import check_types
from jadugar.ui.components import status_badge
from jadugar.ui.forms import number, whole
from jadugar.ui.settings_section import Section


def _text(id_: str, placeholder: str = "") -> dbc.Input:
    return dbc.Input(id=id_, placeholder=placeholder, size="sm")


def _num(id_: str, value: Any = None) -> dbc.Input:
    return dbc.Input(id=id_, type="number", size="sm", value=value)


def _apps(id_: str, multi: bool = False) -> dcc.Dropdown:
    with db.connection() as conn:
        slugs = [r[0] for r in conn.execute(text("select slug from applications order by 1"))]
    return dcc.Dropdown(id=id_, options=slugs, multi=multi, placeholder="application")


def _tags(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


def _create_app(conn, v: dict, _actor: str) -> None:
    applications.create_application(conn, {
        "slug": v["slug"], "name": v["name"], "environment": v["environment"] or None,
        "owner": v["owner"] or None, "tags": _tags(v["tags"])})


def _app_rows(conn) -> tuple[list[str], list]:
    rows = conn.execute(text("select slug, name, environment, tags, status from applications "
                             "order by slug")).all()
    return (["Slug", "Name", "Environment", "Tags", "Status"],
            [(r.slug, [r.slug, r.name, r.environment or "", ", ".join(r.tags),
                       status_badge(r.status)]) for r in rows])


APPLICATIONS = Section(
    "set-apps", "Applications",
    [("slug", "Slug", lambda i: _text(i, "payments-api"), 2),
     ("name", "Name", lambda i: _text(i, "Payments API"), 3),
     ("environment", "Environment", lambda i: _text(i, "production"), 2),
     ("owner", "Owner", lambda i: _text(i, "team-core"), 2),
     ("tags", "Tags (comma separated)", lambda i: _text(i, "api, customer"), 3)],
    _create_app, _app_rows,
    lambda conn, key, _a: applications.delete_application(conn, key))


def _create_check(conn, v: dict, actor: str) -> None:
    """1. the per-type parts (http: expected codes and a latency limit; heartbeat: grace),
    2. the shared parts, 3. the collector work's create_check validates it all."""
    kind = v["type"]
    data: dict[str, Any] = {"name": v["name"], "type": kind,
                            "interval_s": whole(v["interval_s"], "interval_s")}
    if kind != "heartbeat":
        data["target"] = v["target"]
    if kind in ("http", "https"):
        expect: dict[str, Any] = {}
        if v["expect_status"]:
            expect["status"] = [int(s) for s in _tags(v["expect_status"]) if s.isdigit()]
        if v["max_response_ms"] not in (None, ""):
            expect["max_response_ms"] = number(v["max_response_ms"], "max_response_ms")
        data["expect"] = expect
    if kind == "heartbeat" and v["grace_s"] not in (None, ""):
        data["grace_s"] = whole(v["grace_s"], "grace_s")
    if v["timeout_s"] not in (None, ""):
        data["timeout_s"] = number(v["timeout_s"], "timeout_s")
    if not v["application"]:
        from jadugar.errors import Invalid

        raise Invalid("choose the application", field="application")
    checks.create_check(conn, v["application"], data, actor)


def _check_rows(conn) -> tuple[list[str], list]:
    rows = conn.execute(text("""select c.id, a.slug, c.name, c.type, c.interval_s, c.status
        from health_checks c join applications a on a.id = c.application_id
        order by a.slug, c.name""")).all()
    return (["Application", "Check", "Type", "Every", "Status"],
            [(r.id, [r.slug, r.name, r.type, f"{r.interval_s} s", status_badge(r.status)])
             for r in rows])


def _types(id_: str) -> dcc.Dropdown:
    return dcc.Dropdown(id=id_, options=check_types(), value="http", clearable=False)


CHECKS = Section(
    "set-checks", "Checks",
    [("application", "Application", _apps, 3), ("name", "Name", _text, 2),
     ("type", "Type", _types, 2),
     ("target", "Target", lambda i: _text(i, "https://example.com/health"), 5),
     ("interval_s", "Every (s)", lambda i: _num(i, 60), 2),
     ("timeout_s", "Timeout (s)", _num, 2),
     ("expect_status", "HTTP: expected codes", lambda i: _text(i, "200, 204"), 3),
     ("max_response_ms", "HTTP: max response ms", _num, 2),
     ("grace_s", "Heartbeat: grace (s)", _num, 3)],
    _create_check, _check_rows,
    lambda conn, key, actor: checks.delete_check(conn, int(key), actor), role="editor",
    help="The form adapts to the check type: HTTP checks take expected status codes and a "
         "latency limit; heartbeat checks take a grace period and no target.")


def _create_window(conn, v: dict, actor: str) -> None:
    maintenance.create_window(conn, {
        "title": v["title"], "starts_at": v["starts_at"], "ends_at": v["ends_at"],
        "recurrence": v["recurrence"] or "none", "application": v["application"] or None},
        actor)


def _window_rows(conn) -> tuple[list[str], list]:
    rows = conn.execute(text("""select w.id, w.title, a.slug, w.starts_at, w.ends_at,
        w.recurrence from maintenance_windows w
        left join applications a on a.id = w.application_id order by w.starts_at desc""")).all()
    return (["Title", "Application", "Starts (UTC)", "Ends (UTC)", "Repeats"],
            [(r.id, [r.title, r.slug or "all", f"{r.starts_at:%Y-%m-%d %H:%M}",
                     f"{r.ends_at:%Y-%m-%d %H:%M}", r.recurrence]) for r in rows])


MAINTENANCE = Section(
    "set-maint", "Maintenance windows",
    [("title", "Title", _text, 3), ("application", "Application (empty: all)", _apps, 3),
     ("starts_at", "Starts (UTC)", lambda i: dbc.Input(id=i, type="datetime-local",
                                                        size="sm"), 2),
     ("ends_at", "Ends (UTC)", lambda i: dbc.Input(id=i, type="datetime-local", size="sm"), 2),
     ("recurrence", "Repeats", lambda i: dcc.Dropdown(id=i, options=["none", "daily", "weekly"],
                                                      value="none", clearable=False), 2)],
    _create_window, _window_rows,
    lambda conn, key, actor: maintenance.delete_window(conn, int(key), actor), role="editor")


def _target_rows(conn) -> tuple[list[str], list]:
    rows = notifications.list_targets(conn)
    return (["Name", "Application", "Last sent", "Last error"],
            [(r.id, [r.name, r.application or "all",
                     f"{r.last_sent_at:%Y-%m-%d %H:%M} UTC" if r.last_sent_at else "–",
                     r.last_error or ""]) for r in rows])


def _send_test(key: str) -> str:
    error = notifications.send_test(int(key))
    return f"Test failed: {error}" if error else "Test notification sent."


TARGETS = Section(
    "set-targets", "Notification targets",
    [("name", "Name", _text, 3),
     ("url", "Apprise URL", lambda i: _text(i, "slack://token/channel"), 6),
     ("application", "Application (empty: all)", _apps, 3)],
    lambda conn, v, _a: notifications.create_target(conn, {
        "name": v["name"], "url": v["url"], "application": v["application"] or None}),
    _target_rows, lambda conn, key, _a: notifications.delete_target(conn, int(key)),
    extra={"Send test": _send_test})


def _page_rows(conn) -> tuple[list[str], list]:
    return (["Slug", "Title", "Applications", "Public link"],
            [(p["slug"], [p["slug"], p["title"], ", ".join(p["applications"]),
                          dcc.Link(f'/status/{p["slug"]}', href=f'/status/{p["slug"]}',
                                   target="_blank", refresh=True)])
             for p in status_pages.list_pages(conn)])


STATUS_PAGES = Section(
    "set-pages", "Status pages",
    [("slug", "Slug", _text, 2), ("title", "Title", _text, 3),
     ("description", "Description", _text, 3),
     ("applications", "Applications", lambda i: _apps(i, multi=True), 4)],
    lambda conn, v, _a: status_pages.create_page(conn, v["slug"], v["title"],
                                                 v["description"] or None,
                                                 v["applications"] or []),
    _page_rows, lambda conn, key, _a: status_pages.delete_page(conn, key),
    help="Status pages are public: anyone can open /status/<slug> without logging in. They "
         "show application names, status, 90-day bars and ongoing incidents, nothing else.")


def _user_rows(conn) -> tuple[list[str], list]:
    rows = conn.execute(text("select id, username, role, active, last_login_at from users "
                             "order by username")).all()
    return (["User", "Role", "Active", "Last login"],
            [(r.id, [r.username, r.role, "yes" if r.active else "no",
                     f"{r.last_login_at:%Y-%m-%d %H:%M} UTC" if r.last_login_at else "–"])
             for r in rows])


USERS = Section("set-users", "Users and roles", [], None, _user_rows,
                help="Create users with `jadugar user create NAME --role viewer|editor|admin`.")


def _token_rows(conn) -> tuple[list[str], list]:
    return (["Name", "Prefix", "Scope", "Created", "Revoked"],
            [(t["id"], [t["name"], t["prefix"], t["scope"], str(t["created_at"])[:16],
                        str(t["revoked_at"] or "")[:16]]) for t in auth.list_tokens(conn)])


TOKENS = Section("set-tokens", "API tokens", [], None, _token_rows,
                 lambda conn, key, _a: auth.revoke_token(conn, int(key)),
                 help="Create tokens with `jadugar token create NAME --scope read|ingest|admin`"
                      "; the secret is shown once. Delete here revokes a token.")


def _collector_rows(conn) -> tuple[list[str], list]:
    rows = conn.execute(text("""select name, location, hostname, version, last_seen_at,
        checks_per_s, lag_p99_ms, spool_size from collectors order by name""")).all()
    return (["Name", "Location", "Host", "Last seen (UTC)", "Checks/s", "Lag p99", "Spool"],
            [(r.name, [r.name, r.location, r.hostname or "", f"{r.last_seen_at:%Y-%m-%d %H:%M}",
                       f"{r.checks_per_s:.1f}", "–" if r.lag_p99_ms is None
                       else f"{r.lag_p99_ms:.0f} ms", r.spool_size]) for r in rows])


COLLECTORS = Section("set-collectors", "Collectors", [], None, _collector_rows,
                     help="Collectors report here every few seconds (read-only).")

AREAS = [APPLICATIONS, CHECKS, TARGETS, MAINTENANCE, STATUS_PAGES, USERS, TOKENS, COLLECTORS]
