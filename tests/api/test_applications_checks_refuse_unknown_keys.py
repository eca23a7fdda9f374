"""Finding 1: the API took `staus` inside a check's `expect` with 201 and ignored it. Every
undeclared key of `expect` and `options` is now a 422 naming it."""

import pytest


@pytest.fixture
def shop(api):
    assert api.post("/applications", json={"slug": "shop", "name": "Shop"}).status_code == 201
    return "/applications/shop/checks"


CHECK = {"name": "home", "type": "http", "target": "https://shop.example/", "interval_s": 60}


@pytest.mark.parametrize("part, key", [("expect", "staus"), ("options", "metod")])
def test_it_refuses_an_unknown_key_naming_it(api, shop, part, key):
    r = api.post(shop, json={**CHECK, part: {key: 1}})
    assert r.status_code == 422
    assert r.json["error"]["field"] == f"{part}.{key}"
    assert "is not a known key" in r.json["error"]["message"]


def test_it_refuses_an_unknown_key_on_change(api, shop):
    check_id = api.post(shop, json=CHECK).json["id"]
    r = api.patch(f"/checks/{check_id}", json={"expect": {"status": [200], "body_has": "x"}})
    assert r.status_code == 422 and r.json["error"]["field"] == "expect.body_has"


def test_the_openapi_document_refuses_unknown_keys(api):
    schemas = api.get("/openapi.json").json["components"]["schemas"]
    assert schemas["CheckExpect.http"]["additionalProperties"] is False
