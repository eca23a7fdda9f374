"""Finding 8: a read token saw credentials that the old masking missed (an empty user name,
secret query parameters, custom header names). Through the real API."""

import pytest

LEAKS = [
    ("cache", "redis", "redis://:pw-empty-user@127.0.0.1:6379/0", {}),
    ("query-password", "http", "https://shop.example/h?password=pw-in-query", {}),
    ("query-token", "http", "https://shop.example/h?access_token=pw-access-token", {}),
    ("custom-header", "http", "https://shop.example/h",
     {"headers": {"X-Api-Credential": "pw-custom-header"}}),
]


@pytest.fixture
def shop(api):
    assert api.post("/applications", json={"slug": "shop", "name": "Shop"}).status_code == 201
    for name, kind, target, options in LEAKS:
        r = api.post("/applications/shop/checks", json={
            "name": name, "type": kind, "target": target, "interval_s": 60,
            "options": options})
        assert r.status_code == 201, r.json
    return "shop"


@pytest.mark.parametrize("scope", ["read", "ingest", "admin"])
def test_it_shows_no_reader_the_credentials_of_a_check(shop, client, make_token, scope):
    headers = {"Authorization": f"Bearer {make_token(scope)}"}
    listed = client.get("/api/v1/applications/shop/checks", headers=headers)
    assert listed.status_code == 200
    assert "pw-" not in listed.get_data(as_text=True)
    for item in listed.json["items"]:
        one = client.get(f"/api/v1/checks/{item['id']}", headers=headers)
        assert "pw-" not in one.get_data(as_text=True)
    targets = {i["name"]: i["target"] for i in listed.json["items"]}
    assert targets["cache"] == "redis://:***@127.0.0.1:6379/0"
    assert targets["query-token"] == "https://shop.example/h?access_token=***"
