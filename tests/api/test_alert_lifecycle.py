from sqlalchemy import text

from collectors.alerting import evaluate_rules
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow


def _fire(api, engine):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    check = api.post("/applications/shop/checks", json={
        "name": "web", "type": "tcp", "target": "127.0.0.1:9", "interval_s": 30}).json
    with engine.begin() as c:
        for _ in range(3):
            write_results(c, [Row(check["id"], utcnow(), "local", "down", error="refused")])
        evaluate_rules(c)
        return c.execute(text("select id from alerts")).scalar_one()


def test_it_goes_firing_acknowledged_resolved(api, engine):
    alert_id = _fire(api, engine)
    assert [a["id"] for a in api.get("/alerts?state=firing").json["items"]] == [alert_id]
    r = api.post(f"/alerts/{alert_id}/acknowledge")
    assert r.status_code == 200 and r.json["state"] == "acknowledged"
    assert r.json["acknowledged_by"] == "token" and r.json["acknowledged_at"]
    assert api.post(f"/alerts/{alert_id}/acknowledge").status_code == 409
    assert api.get("/alerts?state=firing").json["items"] == []
    assert len(api.get("/alerts?state=open").json["items"]) == 1
    r = api.post(f"/alerts/{alert_id}/resolve")
    assert r.json["state"] == "resolved" and r.json["resolved_at"]
    assert api.post(f"/alerts/{alert_id}/resolve").status_code == 409
    assert api.get("/alerts?state=bogus").json["error"]["field"] == "state"


def test_it_manages_alert_rules_and_names_bad_fields(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    check = api.post("/applications/shop/checks", json={
        "name": "web", "type": "tcp", "target": "127.0.0.1:9", "interval_s": 30}).json
    r = api.post("/alert-rules", json={"check_id": check["id"], "kind": "uptime_below",
                                       "threshold": 99.5, "window_s": 86400})
    assert r.status_code == 201 and r.json["application"] == "shop"
    rule = r.json["id"]
    assert api.patch(f"/alert-rules/{rule}", json={"for_s": 300}).json["for_s"] == 300
    for body, field in [({"check_id": check["id"], "kind": "nope"}, "kind"),
                        ({"check_id": check["id"], "kind": "uptime_below"}, "threshold"),
                        ({"application": "shop", "kind": "consecutive_failures"}, "check_id"),
                        ({"application": "shop", "kind": "metric_threshold", "threshold": 1},
                         "params.metric"),
                        ({"check_id": check["id"], "kind": "consecutive_failures",
                          "repeat_s": 5}, "repeat_s")]:
        assert api.post("/alert-rules", json=body).json["error"]["field"] == field
    assert api.delete(f"/alert-rules/{rule}").status_code == 204


def test_it_manages_maintenance_windows(api):
    r = api.post("/maintenance-windows", json={
        "title": "db upgrade", "starts_at": "2026-01-01T02:00:00Z",
        "ends_at": "2026-01-01T03:00:00Z", "recurrence": "weekly"})
    assert r.status_code == 201 and r.json["recurrence"] == "weekly"
    assert len(api.get("/maintenance-windows").json["items"]) == 1
    bad = api.post("/maintenance-windows", json={"title": "x", "starts_at": 100,
                                                 "ends_at": 50})
    assert bad.json["error"]["field"] == "ends_at"
    assert api.delete(f"/maintenance-windows/{r.json['id']}").status_code == 204
