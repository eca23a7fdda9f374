"""Demo monitoring: six applications, three weeks of check history and metrics, alerts.

The checks point at things that exist on the user's own machine (Jadugar's own web server
and database), so the collector keeps producing real results after the demo loads.
"""

from __future__ import annotations

import json
import math
import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, text

from jadugar import db

DAYS = 21
STEP = timedelta(minutes=5)
APPS = [
    # slug, name, environment, tags, linked project, baseline ms
    ("storefront", "Storefront", "production", ["web", "customer"], "web-frontend", 120),
    ("payments", "Payments API", "production", ["api", "customer", "pci"], "payments-api", 80),
    ("auth", "Auth service", "production", ["api", "core"], None, 40),
    ("search", "Search", "production", ["api", "customer"], "web-frontend", 210),
    ("etl", "Nightly ETL", "production", ["batch", "data"], "data-pipeline", 0),
    ("staging-web", "Storefront (staging)", "staging", ["web"], "web-frontend", 150),
]
METRICS = [("cpu_percent", 35, 15), ("memory_mb", 900, 120), ("requests_per_s", 180, 60),
           ("error_rate", 0.4, 0.3)]


def _checks(slug: str, self_url: str, database_url: str | None) -> list[dict]:
    host_port = self_url.split("://", 1)[1].rstrip("/")
    checks = [
        {"name": "homepage", "type": "http", "target": f"{self_url}/healthz", "interval_s": 60,
         "expect": {"status": [200], "max_response_ms": 1500}},
        {"name": "port", "type": "tcp", "target": host_port, "interval_s": 60, "expect": {}},
    ]
    if slug == "payments" and database_url:
        checks.append({"name": "database", "type": "postgres", "target": database_url,
                       "interval_s": 60, "expect": {}})
    if slug == "etl":
        checks = [{"name": "nightly-run", "type": "heartbeat", "target": "heartbeat",
                   "interval_s": 86400, "grace_s": 3600, "expect": {}}]
    return checks


def load(conn: Connection, rng: random.Random, now: datetime, project_ids: dict[str, int],
         *, self_url: str, database_url: str | None) -> None:
    history_rows, metric_rows = [], []
    start = (now - timedelta(days=DAYS)).replace(second=0, microsecond=0)
    for slug, name, env, tags, project, base_ms in APPS:
        app_id = conn.execute(text("""
            insert into applications (slug, name, description, environment, tags, owner)
            values (:slug, :name, :desc, :env, :tags, :owner) returning id"""),
            {"slug": slug, "name": name, "desc": f"{name} (demo data)", "env": env,
             "tags": tags, "owner": rng.choice(["team-web", "team-core", "team-data"])}
        ).scalar_one()
        if project:
            conn.execute(text("insert into application_projects values (:a, :p)"),
                         {"a": app_id, "p": project_ids[project]})
        for spec in _checks(slug, self_url, database_url):
            check_id = _insert_check(conn, app_id, spec, now)
            if spec["type"] == "heartbeat":
                history_rows.extend(_pings(rng, check_id, start, now))
            else:
                history_rows.extend(_history(rng, check_id, start, now, base_ms, slug))
        for metric, mean, spread in METRICS:
            series_id = conn.execute(text("""
                insert into metric_series (application_id, name, labels)
                values (:a, :n, '{"env": "prod"}') returning id"""),
                {"a": app_id, "n": metric}).scalar_one()
            metric_rows.extend(_series(rng, series_id, start, now, mean, spread))
    db.copy_rows(conn, "history", ["check_id", "ts", "location", "status", "response_ms",
                                   "status_code", "error", "collector"], history_rows,
                 ["int8", "timestamptz", "text", "text", "float4", "int2", "text", "text"])
    db.copy_rows(conn, "metrics", ["series_id", "ts", "value"], metric_rows,
                 ["int8", "timestamptz", "float8"])
    _current_state(conn)
    _alerts(conn, now)


def _insert_check(conn: Connection, app_id: int, spec: dict, now: datetime) -> int:
    token = secrets.token_urlsafe(16) if spec["type"] == "heartbeat" else None
    check_id = conn.execute(text("""
        insert into health_checks (application_id, name, type, target, interval_s, timeout_s,
                                   expect, grace_s, heartbeat_token, next_run_at,
                                   last_ping_at)
        values (:a, :name, :type, :target, :interval, 5, cast(:expect as jsonb), :grace,
                :token, :next, :ping) returning id"""),
        {"a": app_id, "name": spec["name"], "type": spec["type"], "target": spec["target"],
         "interval": spec["interval_s"], "expect": json.dumps(spec["expect"]),
         "grace": spec.get("grace_s", 0), "token": token, "next": now,
         "ping": None}).scalar_one()
    conn.execute(text("""
        insert into alert_rules (check_id, kind, threshold, recover_threshold, is_default,
                                 name)
        values (:c, 'consecutive_failures', 3, 2, true, 'default')"""), {"c": check_id})
    return check_id


def _history(rng: random.Random, check_id: int, start: datetime, now: datetime,
             base_ms: float, slug: str) -> list[tuple]:
    """Mostly up, daily traffic waves in latency, a few incidents and slow spells."""
    rows, t = [], start
    incidents = [start + timedelta(hours=rng.uniform(0, DAYS * 24)) for _ in range(3)]
    if slug == "search":
        incidents.append(now - timedelta(minutes=25))  # ongoing: the demo has a firing alert
    while t < now:
        wave = 1 + 0.35 * math.sin((t.hour + t.minute / 60) / 24 * 2 * math.pi)
        ms = max(2.0, rng.lognormvariate(math.log(base_ms * wave), 0.25))
        status, code, error = "up", 200, None
        if any(0 <= (t - i).total_seconds() < 1800 for i in incidents):
            status, code, error, ms = "down", 503, "expected status 200, got 503", ms * 3
        elif rng.random() < 0.002:
            status, error, ms = "degraded", "response took 1830 ms (limit 1500 ms)", 1830.0
        rows.append((check_id, t, "local", status, ms, code, error, "demo"))
        t += STEP
    return rows


def _pings(rng: random.Random, check_id: int, start: datetime, now: datetime) -> list[tuple]:
    """A nightly job that pings once a day at about 02:00 UTC, with its run time."""
    day = start.replace(hour=2, minute=0)
    rows = []
    while day < now:
        ran_s = rng.uniform(900, 2400)
        rows.append((check_id, day + timedelta(seconds=ran_s), "local", "up", ran_s * 1000,
                     None, None, "demo"))
        day += timedelta(days=1)
    return rows


def _series(rng: random.Random, series_id: int, start: datetime, now: datetime,
            mean: float, spread: float) -> list[tuple]:
    rows, t, value = [], start, mean
    while t < now:
        daily = math.sin((t.hour + t.minute / 60) / 24 * 2 * math.pi)
        value = 0.8 * value + 0.2 * (mean + spread * daily + rng.gauss(0, spread * 0.3))
        spike = spread * 4 if rng.random() < 0.002 else 0
        rows.append((series_id, t, max(0.0, value + spike)))
        t += STEP
    return rows


def _current_state(conn: Connection) -> None:
    """Each check and application takes the status of its latest result."""
    conn.execute(text("""
        update health_checks c set status = h.status, last_run_at = h.ts,
               last_ping_at = case when c.type = 'heartbeat' then h.ts end,
               last_response_ms = h.response_ms, last_error = h.error,
               status_changed_at = h.ts
          from (select distinct on (check_id) check_id, ts, status, response_ms, error
                  from history order by check_id, ts desc) h
         where h.check_id = c.id
    """))
    conn.execute(text("""
        update applications a set status = s.status, status_changed_at = now()
          from (select application_id,
                       case when bool_or(status = 'down') then 'down'
                            when bool_or(status = 'degraded') then 'degraded'
                            when bool_and(status = 'up') then 'up' else 'unknown' end status
                  from health_checks group by application_id) s
         where s.application_id = a.id
    """))


def _alerts(conn: Connection, now: datetime) -> None:
    """Resolved alerts for past incidents, one firing and one acknowledged."""
    conn.execute(text("""
        insert into alerts (rule_id, check_id, application_id, state, title, message,
                            fired_at, acknowledged_at, acknowledged_by, resolved_at)
        select r.id, c.id, c.application_id,
               case when a.slug = 'search' then 'firing' else 'resolved' end,
               a.name || ' ' || c.name || ' is down', 'expected status 200, got 503',
               :fired, null, null,
               case when a.slug = 'search' then null else :resolved end
          from health_checks c join applications a on a.id = c.application_id
          join alert_rules r on r.check_id = c.id
         where c.name = 'homepage' and a.slug in ('search', 'storefront', 'auth')
    """), {"fired": now - timedelta(minutes=15), "resolved": now - timedelta(minutes=2)})
    conn.execute(text("""
        insert into alerts (check_id, application_id, state, severity, title, message,
                            fired_at, acknowledged_at, acknowledged_by)
        select c.id, c.application_id, 'acknowledged', 'warning',
               'Payments API p95 latency above 800 ms', 'p95 was 912 ms over 15 minutes',
               :fired, :ack, 'admin'
          from health_checks c join applications a on a.id = c.application_id
         where a.slug = 'payments' and c.name = 'homepage'
    """), {"fired": now - timedelta(hours=1), "ack": now - timedelta(minutes=40)})
