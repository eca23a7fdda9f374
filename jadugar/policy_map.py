"""Where each action of the policy table (jadugar/policy.py) is used: every API endpoint and
every server-side Dash callback, named here. tests/web/test_auth_matrix.py fails when a route
or a callback is missing, and walks them all to compare each answer with the table.

A callback is named by its first output and its first input, as registered (without the
`@hash` Dash adds for duplicate outputs; a pattern id shows as `{type}`). Clientside
callbacks run in the browser and never reach the server, so they are not listed."""

from __future__ import annotations

# Flask endpoint name -> action.
ENDPOINTS: dict[str, str] = {
    "api.openapi_json": "public",
    "api.index": "meta.read",
    # build tracking
    "api.list_projects": "builds.read",
    "api.get_project": "builds.read",
    "api.create_project": "projects.write",
    "api.update_project": "projects.write",
    "api.delete_project": "projects.delete",
    "api.set_webhook_secrets": "webhook_secrets.write",
    "api.post_build": "builds.write",
    "api.list_builds": "builds.read",
    "api.builds_csv": "builds.read",
    "api.get_build": "builds.read",
    "api.patch_build": "builds.write",
    "api.get_delivery": "builds.read",
    "api.post_test_report": "builds.write",
    "api.build_tests": "builds.read",
    "api.project_tests": "builds.read",
    "api.test_history": "builds.read",
    "api.create_milestone": "milestones.write",
    "api.list_milestones": "builds.read",
    "api.get_milestone": "builds.read",
    "api.patch_milestone": "milestones.write",
    "api.delete_milestone": "milestones.write",
    "api.list_status_updates": "builds.read",
    "api.post_status_update": "status_updates.write",
    # every /webhooks/<source> route, built-in or plug-in (jadugar/api/webhooks.py)
    "api.webhook": "self",
    # monitoring
    "api.list_applications": "applications.read",
    "api.get_application": "applications.read",
    "api.create_application": "applications.write",
    "api.update_application": "applications.write",
    "api.delete_application": "applications.write",
    "api.list_checks": "checks.read",
    "api.get_check": "checks.read",
    "api.create_check": "checks.write",
    "api.update_check": "checks.write",
    "api.delete_check": "checks.write",
    "api.check_history": "monitoring.read",
    "api.check_history_csv": "monitoring.read",
    "api.ingest_metrics": "metrics.write",
    "api.metric_names": "monitoring.read",
    "api.metric_points": "monitoring.read",
    "api.heartbeat_ping": "self",
    "api.heartbeat_start": "self",
    "api.heartbeat_fail": "self",
    "api.heartbeat_exit": "self",
    "api.list_collectors": "collectors.read",
    "api.export_overview": "monitoring.read",
    "api.export_history": "monitoring.read",
    "api.export_response_times": "monitoring.read",
    "api.export_incidents": "monitoring.read",
    "api.export_alerts": "alerts.read",
    "api.sla_json": "monitoring.read",
    "api.sla_csv": "monitoring.read",
    "api.sla_html": "monitoring.read",
    # alerting
    "api.list_alerts": "alerts.read",
    "api.get_alert": "alerts.read",
    "api.acknowledge_alert": "alerts.act",
    "api.resolve_alert": "alerts.act",
    "api.list_silences": "alerts.read",
    "api.create_silence": "alerts.act",
    "api.expire_silence": "alerts.act",
    "api.list_rules": "alert_rules.read",
    "api.get_rule": "alert_rules.read",
    "api.create_rule": "alert_rules.write",
    "api.update_rule": "alert_rules.write",
    "api.delete_rule": "alert_rules.write",
    "api.list_windows": "maintenance.read",
    "api.create_window": "maintenance.write",
    "api.delete_window": "maintenance.write",
    "api.list_targets": "notification_targets.read",
    "api.list_notifications": "notification_targets.read",
    "api.create_target": "notification_targets.write",
    "api.update_target": "notification_targets.write",
    "api.delete_target": "notification_targets.write",
    "api.test_target": "notification_targets.write",
    # status pages and access
    "api.list_status_pages": "status_pages.read",
    "api.get_status_page": "status_pages.read",
    "api.create_status_page": "status_pages.write",
    "api.save_status_page": "status_pages.write",
    "api.delete_status_page": "status_pages.write",
    "api.list_status_incidents": "status_pages.read",
    "api.get_status_incident": "status_pages.read",
    "api.open_status_incident": "status_pages.write",
    "api.update_status_incident": "status_pages.write",
    "api.list_tokens": "tokens.read",
    "api.create_token": "tokens.write",
    "api.revoke_token": "tokens.write",
    "api.list_audit": "audit.read",
    "api.audit_csv": "audit.read",
    # /metrics (jadugar/web/selfmetrics.py) checks this itself, before the other credentials
    "selfmetrics.metrics": "metrics.scrape",
    # badges of applications marked public; others answer 404 (jadugar/web/badges.py)
    "badges.status_badge": "public",
    "badges.uptime_badge": "public",
    "badges.response_badge": "public",
    # the public status pages and their incident feeds (jadugar/web/status_*.py)
    "status_page.status_page": "public",
    "status_feed.status_feed": "public",
}


def _settings(prefix: str, read: str, write: str | None = None,
              row_actions: bool = True) -> dict[str, str]:
    """A settings area (jadugar/ui/settings_section.py): its list, its create form, and
    (when its rows have buttons) the per-row action and confirmed-delete callbacks."""
    out = {f"{prefix}-table.children <- {prefix}-changed": read}
    if write:
        out[f"{prefix}-changed.data <- {prefix}-save"] = write
    if write and row_actions:
        out |= {f"{prefix}-pending.data <- {{{prefix}-act}}": write,
                f"{prefix}-changed.data <- {prefix}-confirm-ok": write}
    return out


# Callback (first output <- first input) -> action.
CALLBACKS: dict[str, str] = {
    # the shell and page routing
    "_pages_content.children <- _pages_location": "ui.use",
    "shell-collapse.is_open <- shell-toggler": "ui.use",
    "shell-theme-saved.data <- shell-theme-light": "ui.use",
    "shell-replica-note.children <- shell-replica-note-poll": "ui.use",
    "shell-rooms.data <- shell-url": "live.subscribe",
    "shell-toasts.children <- shell-sio": "live.subscribe",
    "{builds-progress}.value <- shell-resync": "builds.read",
    # builds
    "builds-overview-download.data <- builds-overview-csv": "builds.read",
    "builds-overview-box.children <- builds-live-refresh": "builds.read",
    "builds-detail-summary.children <- builds-detail-refresh": "builds.read",
    "builds-new-slug-fb.children <- builds-new-submit": "projects.write",
    "builds-detail-history-box.children <- shell-tz": "builds.read",
    "builds-detail-mark-status-fb.children <- builds-detail-mark-save": "builds.write",
    "builds-detail-tests-box.children <- builds-detail-tests-refresh": "builds.read",
    "builds-project-burnup.figure <- builds-project-written": "builds.read",
    "builds-project-durations.figure <- builds-project-range": "builds.read",
    "builds-project-tiles.children <- builds-project-range": "builds.read",
    "builds-project-page.data <- builds-project-prev": "builds.read",
    "builds-project-table.children <- builds-project-range": "builds.read",
    "builds-project-tests-table.children <- builds-project-tests-sort": "builds.read",
    "builds-project-tests-download.data <- builds-project-tests-csv": "builds.read",
    "builds-project-tests-history.figure <- {builds-project-tests-pick}": "builds.read",
    "builds-project-download.data <- {builds-csv}": "builds.read",
    "builds-project-ms-title.value <- builds-project-ms-id": "builds.read",
    "builds-project-ms-title-fb.children <- builds-project-ms-save": "milestones.write",
    "builds-project-note-message-fb.children <- builds-project-note-save":
        "status_updates.write",
    "builds-project-edit-name-fb.children <- builds-project-edit-save": "projects.write",
    # monitoring, metrics, reports
    "dashboard-body.children <- dashboard-refresh": "monitoring.read",
    "dashboard-tiles.children <- dashboard-refresh": "monitoring.read",
    "monitoring-table.children <- monitoring-search": "monitoring.read",
    "monitoring-url.search <- monitoring-search": "ui.use",
    "monitoring-csv.data <- monitoring-csv-btn": "monitoring.read",
    "mapp-url.search <- mapp-range": "ui.use",
    "mapp-rt.figure <- mapp-range": "monitoring.read",
    "mapp-rt-csv.data <- mapp-rt-csv-btn": "monitoring.read",
    "mapp-bands-csv.data <- mapp-bands-csv-btn": "monitoring.read",
    "mapp-days-csv.data <- mapp-days-csv-btn": "monitoring.read",
    "mapp-incidents-csv.data <- mapp-incidents-csv-btn": "monitoring.read",
    "mapp-deploys-csv.data <- mapp-deploys-csv-btn": "monitoring.read",
    "mapp-recent-csv.data <- mapp-recent-csv-btn": "monitoring.read",
    "metrics-url.search <- metrics-apps": "ui.use",
    "metrics-name.options <- metrics-apps": "monitoring.read",
    "metrics-chart.figure <- metrics-apps": "monitoring.read",
    "metrics-csv.data <- metrics-csv-btn": "monitoring.read",
    "reports-table.children <- reports-since": "monitoring.read",
    "reports-url.search <- reports-since": "ui.use",
    "reports-csv.data <- reports-csv-btn": "monitoring.read",
    # alerts and their rules
    "alerts-groups.children <- alerts-state": "alerts.read",
    "alerts-url.search <- alerts-state": "ui.use",
    "alerts-csv.data <- alerts-csv-btn": "alerts.read",
    "alerts-changed.data <- {alerts-ack}": "alerts.act",
    "alerts-silences.children <- alerts-changed": "alerts.read",
    "rules-table.children <- rules-changed": "alert_rules.read",
    "rules-changed.data <- rules-save": "alert_rules.write",
    "rules-pending.data <- {rules-delete}": "alert_rules.write",
    "rules-changed.data <- rules-confirm-ok": "alert_rules.write",
    # settings
    **_settings("set-apps", "applications.read", "applications.write"),
    **_settings("set-checks", "checks.read", "checks.write"),
    # the other areas' application pickers follow Settings → Applications (settings_refresh)
    "set-checks-application.options <- set-apps-changed": "applications.read",
    "set-maint-application.options <- set-apps-changed": "applications.read",
    "set-targets-application.options <- set-apps-changed": "applications.read",
    "set-pages-applications.options <- set-apps-changed": "applications.read",
    "set-checks-changed.data <- set-apps-changed": "checks.read",
    "set-checks-group-http.className <- set-checks-type": "checks.write",
    "set-checks-application.value <- {set-checks-edit}": "checks.write",
    "set-checks-editing.data <- set-checks-cancel": "checks.write",
    # runs a probe now (outbound, with an edited check's stored secrets): writers only
    "set-checks-try-result.children <- set-checks-try": "checks.write",
    **_settings("set-targets", "notification_targets.read", "notification_targets.write"),
    # Windows that silence much (every application, repeating, longer than 7 days) also
    # need maintenance.wide, checked in the callback once the form's values are known.
    **_settings("set-maint", "maintenance.read", "maintenance.write"),
    **_settings("set-pages", "status_pages.read", "status_pages.write"),
    **_settings("set-projects", "webhook_secrets.read", "webhook_secrets.write"),
    **_settings("set-users", "users.read", "users.write", row_actions=False),
    "set-users-intent.data <- {set-users-role}": "users.write",
    "set-users-message.children <- set-users-ask-ok": "users.write",
    "set-users-changed.data <- set-users-ask-cancel": "users.write",
    **_settings("set-tokens", "tokens.read", "tokens.write"),
    **_settings("set-collectors", "collectors.read"),
    **_settings("set-audit", "audit.read"),
}
