"""Finding 1: the API ignored keys it did not know, so a typo saved a default instead of the
value meant. Rules, notification targets, maintenance windows and status pages now answer
422 naming the unknown field, as applications and checks do."""

import pytest


@pytest.fixture
def check_id(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    return api.post("/applications/shop/checks", json={
        "name": "home", "type": "http", "target": "https://shop.example/",
        "interval_s": 60}).json["id"]


def test_it_refuses_unknown_fields_naming_them(api, check_id):
    rule = api.post("/alert-rules", json={"check_id": check_id,
                                          "kind": "consecutive_failures", "threshold": 3})
    assert rule.status_code == 201, rule.json
    cases = [
        ("post", "/alert-rules", {"check_id": check_id, "kind": "consecutive_failures",
                                  "threshhold": 5}, "threshhold"),
        ("patch", f"/alert-rules/{rule.json['id']}", {"treshold": 5}, "treshold"),
        ("post", "/notification-targets", {"name": "ops", "url": "json://h.example/x",
                                           "enabeld": False}, "enabeld"),
        ("post", "/maintenance-windows", {"title": "t", "starts_at": "2026-01-01T00:00:00Z",
                                          "ends_at": "2026-01-01T01:00:00Z",
                                          "aplication": "shop"}, "aplication"),
        ("post", "/status-pages", {"slug": "p", "title": "P", "apps": ["shop"]}, "apps"),
        ("patch", "/applications/shop", {"projets": []}, "projets"),
    ]
    for method, path, body, field in cases:
        r = getattr(api, method)(path, json=body)
        assert (r.status_code, r.json["error"]["field"]) == (422, field), (path, r.json)
