"""A status page names each application once: a repeat is the client's mistake (422 naming
the field), not a unique-key violation surfacing as a 500."""

import pytest


@pytest.fixture
def apps(api):
    for slug in ("shop", "blog"):
        api.post("/applications", json={"slug": slug, "name": slug.title()})


def test_it_refuses_a_status_page_listing_an_application_twice(api, apps):
    r = api.post("/status-pages", json={"slug": "public", "title": "Public",
                                        "applications": ["shop", "blog", "shop"]})
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.json["error"]["field"] == "applications"
    assert "'shop'" in r.json["error"]["message"]
    assert api.get("/status-pages").json["items"] == []


def test_it_refuses_a_repeat_when_a_page_is_saved_too(api, apps):
    assert api.post("/status-pages", json={"slug": "public", "title": "Public",
                                           "applications": ["shop"]}).status_code == 201
    r = api.client.put("/api/v1/status-pages/public", headers={
        "Authorization": f"Bearer {api.token}"}, json={"title": "Public",
                                                      "applications": ["blog", "blog"]})
    assert r.status_code == 422 and r.json["error"]["field"] == "applications"
    assert api.get("/status-pages/public").json["applications"] == ["shop"]
