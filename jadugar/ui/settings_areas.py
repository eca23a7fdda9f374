"""The settings areas: what each form asks, which service it calls, what its list shows.
Writes go through the services (applications, maintenance, notifications, status_pages);
the forms only turn browser values into their input. Areas with more to them live in their
own modules: checks (settings_checks), users (settings_users), API tokens and project
webhook secrets (settings_credentials)."""

from __future__ import annotations

from datetime import datetime

import dash_bootstrap_components as dbc
from dash import dcc

from jadugar import db, policy
from jadugar.services import (
    applications,
    collector_status,
    maintenance,
    notifications,
    status_pages,
)
from jadugar.ui.components import status_badge
from jadugar.ui.settings_audit import AUDIT
from jadugar.ui.settings_checks import CHECKS
from jadugar.ui.settings_credentials import PROJECTS, TOKENS
from jadugar.ui.settings_section import Section, alert
from jadugar.ui.settings_time import when
from jadugar.ui.settings_users import USERS


def _text(id_: str, placeholder: str = "") -> dbc.Input:
    return dbc.Input(id=id_, placeholder=placeholder, size="sm")


def _apps(id_: str, multi: bool = False) -> dcc.Dropdown:
    with db.connection() as conn:
        slugs = applications.slugs(conn)
    return dcc.Dropdown(id=id_, options=slugs, multi=multi, placeholder="application")


def _tags(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


def _projects(id_: str) -> dcc.Dropdown:
    with db.connection() as conn:
        slugs = applications.project_choices(conn)
    return dcc.Dropdown(id=id_, options=slugs, multi=True, placeholder="projects")


def _save_app(conn, v: dict, _actor: str) -> str:
    """Add an application, or change the one with that slug (its links to projects too);
    returns what to confirm."""
    values = {"name": v["name"], "environment": v["environment"] or None,
              "owner": v["owner"] or None, "tags": _tags(v["tags"]),
              "projects": v["projects"] or [], "public": bool(v["public"])}
    if v["slug"] in applications.slugs(conn):
        applications.update_application(conn, v["slug"], values)
        return f"Saved application {v['name']}."
    applications.create_application(conn, {"slug": v["slug"], **values})
    return f"Added application {v['name']}."


def _app_rows(conn) -> tuple[list[str], list]:
    rows = applications.all_applications(conn)
    return (["Slug", "Name", "Environment", "Tags", "Projects", "Status", "Badges"],
            [(r.slug, [r.slug, r.name, r.environment or "", ", ".join(r.tags),
                       ", ".join(r.projects), status_badge(r.status),
                       "public" if r.public else "private"]) for r in rows])


APPLICATIONS = Section(
    "set-apps", "Applications",
    [("slug", "Slug", lambda i: _text(i, "payments-api"), 2),
     ("name", "Name", lambda i: _text(i, "Payments API"), 2),
     ("environment", "Environment", lambda i: _text(i, "production"), 2),
     ("owner", "Owner", lambda i: _text(i, "team-core"), 2),
     ("tags", "Tags (comma separated)", lambda i: _text(i, "api, customer"), 2),
     ("projects", "Projects (deploys shown on its charts)", _projects, 2),
     ("public", "Badges", lambda i: dbc.Switch(id=i, label="public", value=False), 1)],
    _save_app, _app_rows,
    lambda conn, key, _a: applications.delete_application(conn, key),
    note=lambda made: alert(made, "success"), noun="application",
    name_of=lambda conn, key: applications.get_application(conn, key).name,
    save_label="Save",
    help="A new slug adds an application; an existing slug changes that application, its "
         "links to projects included. A linked project's deploys mark the application's "
         "charts, and the project's page lists the application.")


def _create_window(conn, v: dict, actor: str) -> None:
    window = {"title": v["title"], "starts_at": v["starts_at"], "ends_at": v["ends_at"],
              "recurrence": v["recurrence"] or "none", "application": v["application"] or None}
    row = maintenance.create_window(conn, window, actor)
    # Judged on the stored row, after validation; a refusal rolls the insert back.
    policy.require(policy.maintenance_action(row._mapping))


def _delete_window(conn, key: str, actor: str) -> None:
    policy.require(policy.maintenance_action(maintenance.get_window(conn, int(key))._mapping))
    maintenance.delete_window(conn, int(key), actor)


def _window_rows(conn) -> tuple[list[str], list]:
    rows = maintenance.list_windows(conn)
    return (["Title", "Application", "Starts (UTC)", "Ends (UTC)", "Repeats"],
            [(r.id, [r.title, r.application or "all", f"{r.starts_at:%Y-%m-%d %H:%M}",
                     f"{r.ends_at:%Y-%m-%d %H:%M}", r.recurrence]) for r in rows])


MAINTENANCE = Section(
    "set-maint", "Maintenance windows",
    [("title", "Title", _text, 3), ("application", "Application (empty: all)", _apps, 3),
     ("starts_at", "Starts (UTC)", lambda i: dbc.Input(id=i, type="datetime-local",
                                                        size="sm"), 2),
     ("ends_at", "Ends (UTC)", lambda i: dbc.Input(id=i, type="datetime-local", size="sm"), 2),
     ("recurrence", "Repeats", lambda i: dcc.Dropdown(id=i, options=["none", "daily", "weekly"],
                                                      value="none", clearable=False), 2)],
    _create_window, _window_rows, _delete_window, noun="maintenance window",
    name_of=lambda conn, key: maintenance.get_window(conn, int(key)).title,
    help="Editors may open a one-off window of up to 7 days for one application; a window "
         "for every application, a repeating one or a longer one needs an admin.")


def _target_rows(conn) -> tuple[list[str], list]:
    rows = notifications.list_targets(conn)
    return (["Name", "Application", "Min severity", "Last sent", "Last error"],
            [(r.id, [r.name, r.application or "all", r.min_severity,
                     when(r.last_sent_at, empty="never"),
                     r.last_error or ""]) for r in rows])


def _send_test(key: str) -> str:
    error = notifications.send_test(int(key))
    return f"Test failed: {error}" if error else "Test notification sent."


TARGETS = Section(
    "set-targets", "Notification targets",
    [("name", "Name", _text, 2),
     ("url", "Apprise URL", lambda i: _text(i, "slack://token/channel"), 5),
     ("application", "Application (empty: all)", _apps, 3),
     # "info" (every alert) is the column's default, as in the API and config files.
     ("min_severity", "Minimum severity",
      lambda i: dcc.Dropdown(id=i, options=list(notifications.SEVERITIES), value="info",
                             clearable=False), 2)],
    lambda conn, v, _a: notifications.create_target(conn, {
        "name": v["name"], "url": v["url"], "application": v["application"] or None,
        "min_severity": v["min_severity"] or "info"}),
    _target_rows, lambda conn, key, _a: notifications.delete_target(conn, int(key)),
    noun="notification target",
    name_of=lambda conn, key: notifications.get_target(conn, int(key), shown=True).name,
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
     ("applications", "Applications", lambda i: _apps(i, multi=True), 4),
     ("header_text", "Header text", _text, 4), ("footer_text", "Footer text", _text, 4),
     ("logo_url", "Logo URL (https)", lambda i: _text(i, "https://"), 4)],
    lambda conn, v, _a: status_pages.create_page(
        conn, v["slug"], v["title"], v["description"] or None, v["applications"] or [],
        {k: v[k] or None for k in ("header_text", "footer_text", "logo_url")}),
    _page_rows, lambda conn, key, _a: status_pages.delete_page(conn, key),
    noun="status page",
    help="Status pages are public: anyone can open /status/<slug> without logging in. They "
         "show application names, status, 90-day bars, posted incidents, maintenance of "
         "their applications and your header, footer and logo, nothing else.")


def _collector_rows(conn) -> tuple[list[str], list]:
    rows = collector_status.list_collectors(conn)
    return (["Name", "Location", "Host", "Last seen", "Checks/s", "Lag p99", "Spool",
             "State"],
            [(r["name"], [r["name"], r["location"], r["hostname"] or "",
                          when(r["last_seen_at"]), f"{r['checks_per_s']:.1f}",
                          "–" if r["lag_p99_ms"] is None else f"{r['lag_p99_ms']:.0f} ms",
                          r["spool_size"], _collector_state(r)]) for r in rows])


def _minute(stamp: str) -> str:
    """'2026-12-01T07:30:12.5+00:00' (the API's ISO form) as '2026-12-01 07:30'."""
    return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M")


def _collector_state(row: dict) -> str:
    if row["impaired_since"] is not None:
        return (f"impaired since {_minute(row['impaired_since'])} "
                f"({row['recent_failed']} of {row['recent_ok'] + row['recent_failed']} failed)")
    return "stale" if row["stale"] else "healthy"


COLLECTORS = Section("set-collectors", "Collectors", [], None, _collector_rows,
                     empty="No collector has reported yet.",
                     help="Collectors report here every few seconds (read-only).")

AREAS = [APPLICATIONS, CHECKS, TARGETS, MAINTENANCE, STATUS_PAGES, PROJECTS, USERS, TOKENS,
         COLLECTORS]
AREAS.append(AUDIT)
