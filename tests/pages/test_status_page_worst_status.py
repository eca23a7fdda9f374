"""Issue 12, finding 6: a status page states the worst current status, and an incident has a
title, shown with its updates. On the main of 2026-12-01 the headline read "All systems
operational" and the application "Operational" beside "Ongoing incident", with no title."""

from monitoring_factory import make_app, make_check
from sqlalchemy import text

from jadugar.services import status_pages


def _page(c, *apps):
    status_pages.save_page(c, "public", "Acme status", None, list(apps))


def _alert(c, app_id, check_id, severity="critical"):
    c.execute(text("insert into alerts (check_id, application_id, title, severity) values "
                   "(:c, :a, 'latency-check p95 over 800 ms', :s)"),
              {"c": check_id, "a": app_id, "s": severity})


def test_it_never_says_operational_beside_an_ongoing_incident(client, engine):
    with engine.begin() as c:
        shop = make_app(c, "shop", status="up")
        _alert(c, shop, make_check(c, shop, name="latency-check"))
        _page(c, "shop")
    body = client.get("/status/public").get_data(as_text=True)
    assert "Ongoing incident" in body
    assert "All systems operational" not in body and "Operational" not in body
    assert "Some systems are degraded" in body
    assert "Shop: degraded performance" in body  # the incident's public title
    assert "latency-check" not in body  # the alert's own title stays private


def test_an_info_alert_is_no_public_incident(client, engine):
    with engine.begin() as c:
        shop = make_app(c, "shop", status="up")
        _alert(c, shop, make_check(c, shop), severity="info")
        _page(c, "shop")
    body = client.get("/status/public").get_data(as_text=True)
    assert "All systems operational" in body and "Ongoing incident" not in body


def test_the_headline_is_the_worst_status_of_the_page(client, engine):
    with engine.begin() as c:
        make_app(c, "shop", status="degraded")
        make_app(c, "blog", status="down")
        make_app(c, "docs", status="up")
        _page(c, "shop", "blog", "docs")
    body = client.get("/status/public").get_data(as_text=True)
    assert "Some systems have an outage" in body


def test_a_posted_incident_has_a_title_updates_and_sets_the_status(api, client, engine):
    for slug in ("shop", "blog"):
        assert api.post("/applications", json={"slug": slug, "name": slug.title()}
                        ).status_code == 201
    assert api.post("/status-pages", json={"slug": "public", "title": "Acme",
                                           "applications": ["shop", "blog"]}).status_code == 201
    r = api.post("/status-pages/public/incidents", json={
        "title": "Checkout errors", "impact": "down", "applications": ["shop"],
        "message": "We are looking into failed payments."})
    assert r.status_code == 201, r.get_data(as_text=True)
    incident = r.json
    assert incident["state"] == "investigating" and incident["applications"] == ["shop"]
    assert incident["created_by"] == "token" and len(incident["updates"]) == 1
    body = client.get("/status/public").get_data(as_text=True)
    assert "Checkout errors" in body and "We are looking into failed payments." in body
    assert "Some systems have an outage" in body and "Ongoing incidents" in body
    assert body.count('data-status="down"') == 1  # shop only; blog is not named

    r = api.post(f"/status-pages/public/incidents/{incident['id']}/updates",
                 json={"state": "resolved", "message": "Fixed by a rollback."})
    assert r.status_code == 201 and r.json["resolved_at"] is not None
    assert [u["state"] for u in r.json["updates"]] == ["resolved", "investigating"]
    body = client.get("/status/public").get_data(as_text=True)
    assert "Past incidents" in body and "Fixed by a rollback." in body
    assert "Ongoing incidents" not in body


def test_bad_incidents_are_refused_naming_the_field(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    api.post("/applications", json={"slug": "hidden", "name": "Hidden"})
    api.post("/status-pages", json={"slug": "public", "title": "Acme",
                                    "applications": ["shop"]})
    cases = [({"message": "m"}, "title"),
             ({"title": "t", "message": "m", "impact": "bad"}, "impact"),
             ({"title": "t"}, "message"),
             ({"title": "t", "message": "m", "applications": ["hidden"]}, "applications"),
             ({"title": "x" * 201, "message": "m"}, "title")]
    for body, field in cases:
        r = api.post("/status-pages/public/incidents", json=body)
        assert r.status_code == 422 and r.json["error"]["field"] == field, (body, r.json)
    assert api.get("/status-pages/public/incidents").json["items"] == []
    r = api.post("/status-pages/public/incidents/999/updates",
                 json={"state": "resolved", "message": "m"})
    assert r.status_code == 404
