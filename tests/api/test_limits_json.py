"""JSON from clients goes through one parser with a depth and an item limit: a hostile body
gets a 4xx naming the limit, never the 500 of a RecursionError."""

import base64

import pytest

from jadugar import limits

DEEP = "[" * 100_000 + "]" * 100_000
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def project(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    return "web"


def _limit_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    error = r.json["error"]
    assert error["code"] == code and error["field"] == "body"
    return error


def test_it_refuses_deep_nesting_on_builds_naming_the_limit(api, project):
    error = _limit_error(api.post("/projects/web/builds", data=DEEP, headers=JSON), 400,
                         "json_too_deep")
    assert str(limits.JSON_DEPTH) in error["message"]


def test_it_refuses_deep_nesting_on_metrics(api):
    _limit_error(api.post("/metrics", data=DEEP, headers=JSON), 400, "json_too_deep")


def test_it_refuses_deep_nesting_on_the_generic_webhook(api, make_token):
    headers = {**JSON, "Authorization": f"Bearer {make_token('ingest')}"}
    r = api.client.post("/api/v1/webhooks/generic", data=DEEP, headers=headers)
    _limit_error(r, 400, "json_too_deep")


@pytest.mark.parametrize("source", ["github", "gitlab", "generic"])
def test_it_answers_an_anonymous_deep_delivery_with_401_not_500(client, source):
    r = client.post(f"/api/v1/webhooks/{source}", data=DEEP, headers=JSON)
    assert r.status_code == 401


def test_it_refuses_deep_nesting_in_a_cursor(api, project):
    cursor = base64.urlsafe_b64encode(b"[" * 3000 + b"]" * 3000).decode()
    r = api.get(f"/projects/web/builds?cursor={cursor}")
    assert r.status_code == 400 and r.json["error"]["field"] == "cursor"


def test_it_accepts_nesting_up_to_the_limit(api, project):
    inner = "[" * (limits.JSON_DEPTH - 1) + "]" * (limits.JSON_DEPTH - 1)
    body = '{"status": "running", "x": ' + inner + "}"
    r = api.post("/projects/web/builds", data=body, headers=JSON)
    assert r.status_code == 422 and r.json["error"]["field"] == "x"  # unknown field, parsed
    r = api.post("/projects/web/builds", data='{"status": "running", "x": [' + inner + "]}",
                 headers=JSON)
    _limit_error(r, 400, "json_too_deep")


def test_it_refuses_too_many_items_with_413_naming_the_limit(api):
    body = "[" + ",".join(["{}"] * (limits.JSON_ITEMS + 1)) + "]"
    error = _limit_error(api.post("/metrics", data=body, headers=JSON), 413,
                         "json_too_many_items")
    assert f"{limits.JSON_ITEMS}" in error["message"]


def test_it_does_not_count_brackets_inside_strings(api, project):
    r = api.post("/projects/web/builds", headers=JSON,
                 data='{"status": "running", "message": "' + "[{" * 1000 + ',"}')
    assert r.status_code == 201 and r.json["message"].startswith("[{[{")


@pytest.mark.parametrize("body, problem", [
    ('{"status": "running", "progress": NaN}', "NaN"),
    ('{"status": "running", "progress": 1e999}', "too large"),
    ('{"status": "running", "message": "\\u0000"}', "NUL"),
    ('{"status": "running", "message": "\\udc00"}', "surrogate"),
])
def test_it_refuses_json_postgresql_cannot_store(api, project, body, problem):
    r = api.post("/projects/web/builds", data=body, headers=JSON)
    assert r.status_code == 400 and problem in r.json["error"]["message"]


def test_it_refuses_a_body_that_is_not_utf8(api, project):
    r = api.post("/projects/web/builds", data=b'{"status": "\xff"}', headers=JSON)
    assert r.status_code == 400 and "UTF-8" in r.json["error"]["message"]


def test_it_refuses_deep_nesting_on_the_dash_callback_route(logged_in):
    r = logged_in.post("/_dash-update-component", data=DEEP, headers=JSON)
    assert r.status_code == 400
    assert f"deeper than {limits.JSON_DEPTH_PAGES}" in r.get_data(as_text=True)
