"""Finding 1: the export left out dependencies, application rules, notification targets,
projects and their links, so export → apply did not give the same database back. Now an
export applied to an empty database exports the same text again."""

from sqlalchemy import text
from support import apply

from jadugar.services import config_io, notifications

FILE = """\
projects:
  - slug: shop-repo
    name: Shop repository
    repository: octo/shop
    default_branch: main
  - slug: infra
    name: Infrastructure
    rules:
      - kind: build_failed
        branch: main
      - kind: deploy_failed
        environment: prod*
        severity: warning
      - kind: success_rate_below
        threshold: 90
        window_s: 604800
      - kind: new_flaky_test
applications:
  - slug: db
    name: Database
    checks:
      - name: primary
        type: tcp
        target: db.internal:5432
        interval_s: 30
  - slug: shop
    name: Shop
    description: The web shop
    environment: production
    owner: team-web
    tags: [api, web]
    projects: [infra, shop-repo]
    checks:
      - name: home
        type: http
        target: https://shop.example/
        interval_s: 60
        expect: {status: [200, 204]}
        options: {method: HEAD}
        depends_on: db/primary
        rules:
          - kind: consecutive_failures
            name: default
            threshold: 3
            recover_threshold: 2
          - kind: uptime_below
            name: slo
            threshold: 99.5
            window_s: 86400
            severity: critical
          - kind: failures_in_window
            threshold: 3
            params: {of: 10}
          - kind: latency_p95_above
            threshold: 800
            for_s: 120
            repeat_s: 3600
      - name: api
        type: http
        target: https://shop.example/api
        interval_s: 60
        depends_on: home
      - name: cron
        type: heartbeat
        interval_s: 3600
        grace_s: 300
        rules:
          - kind: heartbeat_missed
            name: default
          - kind: run_duration
            params: {max_s: 600}
      - name: cert
        type: tls
        target: shop.example:443
        interval_s: 3600
        rules:
          - kind: certificate_expiry
            threshold: 14
          - kind: degraded_for
            threshold: 300
    rules:
      - kind: metric_threshold
        name: queue
        threshold: 1000
        window_s: 60
        params: {metric: queue_depth, op: '>', labels: {queue: orders}}
notification_targets:
  - name: ops
    url: ${OPS_HOOK}
  - name: shop team
    url: ${SHOP_HOOK}
    application: shop
    enabled: false
maintenance_windows:
  - title: nightly
    application: shop
    check: home
    starts_at: 2026-01-01T02:00:00Z
    ends_at: 2026-01-01T03:00:00Z
    recurrence: daily
status_pages:
  - slug: public
    title: Shop status
    description: How the shop is doing
    applications: [shop, db]
"""
ENV = {"OPS_HOOK": "json://hooks.example/ops", "SHOP_HOOK": "json://hooks.example/shop",
       "NOTIFY_URL_OPS": "json://hooks.example/ops",
       "NOTIFY_URL_SHOP_TEAM": "json://hooks.example/shop"}


def _empty(conn) -> None:
    for table in ("status_pages", "maintenance_windows", "notification_targets",
                  "alert_rules", "health_checks", "applications", "projects"):
        conn.execute(text(f"delete from {table}"))


def test_an_export_applied_to_an_empty_database_exports_the_same(conn):
    apply(conn, FILE, env=ENV.get)
    first = config_io.export(conn)
    _empty(conn)
    plan = apply(conn, first, env=ENV.get)
    assert plan.counts()["created"] == len(plan.steps)
    assert config_io.export(conn) == first


def test_the_export_has_every_section_and_no_secret(conn):
    apply(conn, FILE, env=ENV.get)
    doc = config_io.load(config_io.export(conn))
    shop = doc["applications"][1]
    assert shop["projects"] == ["infra", "shop-repo"]
    assert [c.get("depends_on") for c in shop["checks"]] == ["home", None, None, "db/primary"]
    assert shop["rules"][0]["params"]["metric"] == "queue_depth"
    assert [p["slug"] for p in doc["projects"]] == ["infra", "shop-repo"]
    assert doc["notification_targets"][1] == {"name": "shop team",
                                              "url": "${NOTIFY_URL_SHOP_TEAM}",
                                              "application": "shop", "enabled": False}
    assert "hooks.example" not in config_io.export(conn)


def test_applying_the_export_where_it_came_from_keeps_the_stored_urls(conn):
    apply(conn, FILE, env=ENV.get)
    plan = apply(conn, config_io.export(conn), env=lambda _name: None)
    assert plan.counts()["updated"] == plan.counts()["deleted"] == 0
    urls = {t.name: notifications.get_target(conn, t.id).url
            for t in notifications.list_targets(conn)}
    assert urls == {"ops": ENV["OPS_HOOK"], "shop team": ENV["SHOP_HOOK"]}


def test_a_set_variable_changes_a_stored_url(conn):
    apply(conn, FILE, env=ENV.get)
    plan = apply(conn, config_io.export(conn),
                 env={**ENV, "NOTIFY_URL_OPS": "json://hooks.example/new"}.get)
    assert [s for s in plan.steps if s[0] != "unchanged"] == [
        ("update", "notification target", "ops")]


def test_a_project_rule_dropped_from_the_file_is_pruned(conn):
    """Build and deploy rules (issue 14) are config like any other rule: applied, exported,
    and pruned when a project that lists `rules` no longer lists one."""
    two = """\
projects:
  - slug: web
    name: Web
    rules:
      - kind: build_failed
        branch: main
      - kind: new_flaky_test
"""
    apply(conn, two)
    assert conn.execute(text("select count(*) from alert_rules where project_id is not null")
                        ).scalar() == 2
    apply(conn, two.replace("      - kind: new_flaky_test\n", ""), prune=True, yes=True)
    assert conn.execute(text("select kind, branch from alert_rules")).all() == [
        ("build_failed", "main")]
    [web] = config_io.export_doc(conn)["projects"]
    [rule] = web["rules"]
    assert (rule["kind"], rule["branch"]) == ("build_failed", "main")
