"""Issue 15: incident posts with a title, an impact (none, minor, major, critical) and
timestamped updates, on the public page: ongoing first, then recent, newest first."""

import re

import pytest
from status_support import make_page, post_incident, post_update


def _page(client) -> str:
    r = client.get("/status/public")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_it_shows_each_impact_in_words_and_sets_the_status(api, client):
    make_page(api, "shop", "blog")
    post_incident(api, "Slow search", "minor", "Searches take seconds.",
                  applications=["blog"])
    body = _page(client)
    assert "Minor impact" in body and "Some systems are degraded" in body
    post_incident(api, "Checkout down", "critical", "Payments fail.", applications=["shop"])
    body = _page(client)
    assert "Critical impact" in body and "Some systems have an outage" in body
    assert 'data-impact="critical"' in body and 'data-impact="minor"' in body


def test_an_incident_with_no_impact_leaves_the_status_operational(api, client):
    make_page(api, "shop")
    post_incident(api, "Planned DNS change", "none", "Nothing should be visible.")
    body = _page(client)
    assert "No impact" in body and "All systems operational" in body


def test_the_older_impact_names_still_work(api):
    make_page(api, "shop")
    assert post_incident(api, "A", "degraded", "m")["impact"] == "minor"
    assert post_incident(api, "B", "down", "m")["impact"] == "major"


@pytest.mark.parametrize("impact", ["severe", "", 3, None])
def test_a_bad_impact_is_refused_naming_the_field(api, impact):
    make_page(api, "shop")
    r = api.post("/status-pages/public/incidents",
                 json={"title": "t", "message": "m", "impact": impact})
    assert r.status_code == 422 and r.json["error"]["field"] == "impact"
    assert api.get("/status-pages/public/incidents").json["items"] == []


def test_updates_are_timestamped_and_shown_newest_first(api, client):
    make_page(api, "shop")
    incident = post_incident(api, "Checkout errors", "major", "Looking into it.")
    post_update(api, incident["id"], "identified", "A bad deploy.")
    post_update(api, incident["id"], "monitoring", "Rolled back; watching.")
    body = _page(client)
    order = [body.index(m) for m in ("Rolled back; watching.", "A bad deploy.",
                                     "Looking into it.")]
    assert order == sorted(order)
    stamps = re.findall(r'<time datetime="([^"]+)"', body.split("Checkout errors")[1])
    assert len(stamps) >= 3 and stamps[:3] == sorted(stamps[:3], reverse=True)


def test_ongoing_incidents_come_before_recent_ones_newest_first(api, client):
    make_page(api, "shop")
    first = post_incident(api, "First outage", "major", "one")
    post_incident(api, "Second outage", "minor", "two")
    post_incident(api, "Third outage", "major", "three")
    post_update(api, first["id"], "resolved", "Fixed.")
    body = _page(client)
    ongoing, past = body.split("Past incidents")
    assert "Ongoing incidents" in ongoing
    assert ongoing.index("Third outage") < ongoing.index("Second outage")
    assert "First outage" in past and "First outage" not in ongoing
