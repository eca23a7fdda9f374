import pytest


def test_it_refuses_a_missing_token_with_json(client):
    r = client.get("/api/v1/projects")
    assert r.status_code == 401
    assert r.json["error"]["code"] == "unauthorized" and r.json["error"]["message"]


def test_it_refuses_a_wrong_token(client):
    r = client.get("/api/v1/projects", headers={"Authorization": "Bearer jdg_nope"})
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"


def test_it_refuses_a_scope_that_does_not_allow_the_call(client, make_token):
    r = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {make_token('read')}"})
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"


@pytest.mark.parametrize("scope", ["read", "ingest", "admin"])
def test_it_lets_every_scope_read(client, make_token, scope):
    r = client.get("/api/v1/projects",
                   headers={"Authorization": f"Bearer {make_token(scope)}"})
    assert r.status_code == 200 and r.json == {"items": [], "next_cursor": None}


def test_it_stops_accepting_a_revoked_token(api):
    created = api.post("/tokens", json={"name": "ci", "scope": "read"})
    assert created.status_code == 201
    token = created.json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/projects", headers=headers).status_code == 200
    assert api.delete(f"/tokens/{created.json['id']}").status_code == 204
    assert api.client.get("/api/v1/projects", headers=headers).status_code == 401


def test_it_never_lists_token_secrets(api):
    api.post("/tokens", json={"name": "ci", "scope": "read"})
    items = api.get("/tokens").json["items"]
    assert items and all("token" not in t and "token_hash" not in t for t in items)


def test_it_names_the_field_of_a_bad_token_request(api):
    r = api.post("/tokens", json={"name": "ci", "scope": "root"})
    assert r.status_code == 422 and r.json["error"]["field"] == "scope"


def test_it_answers_unknown_api_routes_with_json(api):
    r = api.get("/nothing-here")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"


def test_it_rejects_malformed_json(api):
    r = api.post("/tokens", data="{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json["error"]["code"] == "malformed_json"
