"""Issue 12, finding 4: OpenAPI is the truth. Every response the `api` test client receives
is validated against the document (tests/openapi_support.py); these tests pin the two
disagreements the audit found and prove the validator catches a lie."""

import pytest
from openapi_support import check


def test_a_build_with_null_number_pipeline_and_trigger_matches_its_schema(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    made = api.post("/projects/web/builds", json={"status": "running"})  # validated
    assert made.status_code == 201
    build = api.get(f"/builds/{made.json['id']}").json
    assert build["number"] is None and build["pipeline"] is None and build["trigger"] is None


def test_the_check_schema_shows_expect_and_options(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    made = api.post("/applications/shop/checks", json={
        "name": "home", "type": "http", "target": "https://shop.example/",
        "interval_s": 30, "expect": {"status": [200]}, "options": {"method": "HEAD"}})
    assert made.status_code == 201, made.json
    doc = api.get("/openapi.json").json
    props = doc["components"]["schemas"]["Check"]["properties"]
    assert {"expect", "options"} <= set(props)
    assert made.json["expect"]["status"] == [200]


def test_the_validator_refuses_a_body_its_schema_does_not_allow(api):
    r = api.get("/applications")

    class Lying:
        status_code, is_json = 200, True

        @staticmethod
        def get_json():
            return {"items": [{"slug": 7}], "next_cursor": None}

    check("get", "/applications", r)  # the real answer passes
    with pytest.raises(AssertionError, match="items/0/slug"):
        check("get", "/applications", Lying())
    with pytest.raises(AssertionError, match="not in the OpenAPI document"):
        check("get", "/no-such-resource", Lying())
