"""Issue 12, finding 5: every list endpoint answers CSV when asked (`Accept: text/csv` or
`?format=csv`), through one hook. On the main of 2026-12-01 applications, alert rules, metric
points, notifications and collectors answered JSON even with `Accept: text/csv`."""

import csv
import io
from datetime import timedelta

import pytest
from monitoring_factory import add_history
from sqlalchemy import text

from jadugar.timeutil import iso, utcnow

CSV = {"Accept": "text/csv"}


@pytest.fixture
def world(api, engine):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    api.post("/projects/web/builds", json={"status": "success", "branch": "main", "number": 1})
    assert api.post("/applications", json={"slug": "shop", "name": "=Shop"}).status_code == 201
    check = api.post("/applications/shop/checks", json={
        "name": "home", "type": "tcp", "target": "127.0.0.1:9", "interval_s": 30}).json["id"]
    assert api.post("/alert-rules", json={"check_id": check, "kind": "uptime_below",
                                          "threshold": 99.5, "window_s": 86400}
                    ).status_code == 201
    now = utcnow()
    assert api.post("/metrics", json=[{"application": "shop", "name": "queue_depth", "value": 3,
                                "ts": iso(now - timedelta(minutes=1))}]).status_code < 300
    assert api.post("/notification-targets", json={
        "name": "ops", "url": "json://hooks.example/x"}).status_code == 201
    api.post("/status-pages", json={"slug": "public", "title": "Acme",
                                    "applications": ["shop"]})
    with engine.begin() as c:
        add_history(c, check, now - timedelta(minutes=10), "uux")
        c.execute(text("insert into collectors (name, location, last_seen_at) "
                       "values ('c1', 'local', now())"))
    return {"check": check}


LISTS = ["/applications", "/projects", "/projects/web/builds", "/projects/web/milestones",
         "/applications/shop/checks", "/checks/{check}/history", "/alert-rules", "/alerts",
         "/applications/shop/metrics", "/applications/shop/metrics/queue_depth",
         "/notification-targets", "/notifications", "/collectors", "/maintenance-windows",
         "/status-pages", "/status-pages/public/incidents", "/reports/sla", "/tokens",
         "/audit", "/projects/web/status-updates"]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_endpoint_answers_csv(api, world, path):
    path = path.format(**world)
    json_rows = api.get(path).json
    assert isinstance(json_rows, dict), path
    for how in ({"headers": CSV}, {"query_string": {"format": "csv"}}):
        r = api.get(path, **how)
        assert r.status_code == 200 and r.mimetype == "text/csv", (path, how, r.status_code)
        rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
        assert rows and rows[0], path  # a header row, always
        items = json_rows.get("items", json_rows.get("points"))
        if items is not None and "next_cursor" not in r.headers:
            assert len(rows) - 1 == len(items), path


def test_the_hook_keeps_cells_formula_safe_and_nested_values_readable(api, world):
    r = api.get("/applications", headers=CSV)
    row = next(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert row["name"] == "'=Shop"
    assert r.headers["Content-Disposition"] == 'attachment; filename="applications.csv"'
    r = api.get("/status-pages", headers=CSV)
    assert next(csv.DictReader(io.StringIO(r.get_data(as_text=True))))["applications"] \
        == '["shop"]'


def test_a_long_list_says_where_the_next_csv_page_starts(api, world):
    for n in range(3):
        api.post("/applications", json={"slug": f"app-{n}", "name": f"App {n}"})
    r = api.get("/applications?limit=2&q=a b&x=1", headers=CSV)
    assert len(list(csv.reader(io.StringIO(r.get_data(as_text=True))))) == 3
    assert r.headers["X-Next-Cursor"] and 'rel="next"' in r.headers["Link"]
    assert "q=a+b&x=1&cursor=" in r.headers["Link"]  # the query kept, encoded
    nxt = api.get(f"/applications?limit=2&cursor={r.headers['X-Next-Cursor']}", headers=CSV)
    assert nxt.status_code == 200 and nxt.mimetype == "text/csv"


def test_one_object_stays_json(api, world):
    r = api.get("/applications/shop", headers=CSV)
    assert r.status_code == 200 and r.is_json
