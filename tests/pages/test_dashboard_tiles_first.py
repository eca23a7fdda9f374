"""The dashboard's headline numbers come with the page (the page-content callback's answer),
not after a second callback, and not with the trend charts: what a user waits for after
signing in is one round trip, and plotly.js loads only once the numbers are drawn."""

from __future__ import annotations

import json

from policy_support import add_user, dependencies, find, sign_in

from jadugar import policy
from jadugar.services import applications, projects

PAGE = "_pages_content.children <- _pages_location"
TILES = "dashboard-tiles.children <- dashboard-refresh"
BODY = "dashboard-body.children <- dashboard-refresh"


def open_dashboard(client) -> str:
    """The page-content callback for "/", as the browser posts it on load."""
    dep = find(dependencies(client), PAGE)
    inputs = [{**i, "value": "/" if i["property"] == "pathname" else ""}
              for i in dep["inputs"]]
    r = client.post("/_dash-update-component", json={
        "output": dep["output"], "outputs": [{"id": "_pages_content", "property": "children"},
                                             {"id": "_pages_store", "property": "data"}],
        "inputs": inputs, "state": [], "changedPropIds": ["_pages_location.pathname"]})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return json.dumps(r.json["response"]["_pages_content"]["children"])


def test_it_draws_the_numbers_with_the_page(client, engine):
    add_user(engine, "ann", "viewer")
    with engine.begin() as c:
        projects.create_project(c, {"slug": "web", "name": "Web"})
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    sign_in(client, "ann")
    page = open_dashboard(client)
    for tile in ("dashboard-builds-today", "dashboard-apps-up", "dashboard-open-alerts"):
        assert f'"{tile}"' in page
    assert "0 / 1" in page
    assert "dashboard-trend-" not in page  # the charts come after, from their own callback


def test_it_redraws_the_numbers_only_on_events(client, engine):
    add_user(engine, "ann", "viewer")
    sign_in(client, "ann")
    deps = dependencies(client)
    assert find(deps, TILES)["prevent_initial_call"] is True
    assert not find(deps, BODY)["prevent_initial_call"]  # the charts need the time zone


def test_it_leaves_the_numbers_out_for_whom_they_are_not_readable(client, engine,
                                                                   monkeypatch):
    add_user(engine, "ann", "viewer")
    sign_in(client, "ann")
    rule = policy.ACTIONS["monitoring.read"]
    monkeypatch.setitem(policy.ACTIONS, "monitoring.read",
                        policy.Rule(("admin",), rule.scopes, rule.help))
    assert '"dashboard-apps-up"' not in open_dashboard(client)
