"""Projects through the API: create, read, change, delete, and the 409 for a duplicate."""


def test_it_creates_reads_changes_and_deletes_a_project(api):
    r = api.post("/projects", json={"slug": "web", "name": "Web app",
                                    "repository_url": "https://github.com/acme/web"})
    assert r.status_code == 201
    assert r.json["slug"] == "web" and r.json["default_branch"] == "main"
    assert api.get("/projects/web").json["name"] == "Web app"
    r = api.patch("/projects/web", json={"name": "Web", "default_branch": "trunk"})
    assert r.status_code == 200 and r.json["default_branch"] == "trunk"
    assert [p["slug"] for p in api.get("/projects").json["items"]] == ["web"]
    assert api.delete("/projects/web").status_code == 204
    assert api.get("/projects/web").status_code == 404


def test_it_answers_409_naming_the_slug_for_a_duplicate(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    r = api.post("/projects", json={"slug": "web", "name": "Again"})
    assert r.status_code == 409
    assert r.json["error"]["field"] == "slug"


def test_it_refuses_a_bad_slug_and_a_missing_name(api):
    r = api.post("/projects", json={"slug": "Not A Slug", "name": "x"})
    assert (r.status_code, r.json["error"]["field"]) == (422, "slug")
    r = api.post("/projects", json={"slug": "ok"})
    assert (r.status_code, r.json["error"]["field"]) == (422, "name")


def test_it_keeps_webhook_secrets_write_only(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    # The shared ApiClient has no put(); _call sends any method with the admin token.
    r = api._call("put", "/projects/web/webhook-secrets",
                  json={"github_webhook_secret": "s3cret"})
    assert r.status_code == 200
    assert r.json["has_github_secret"] is True
    assert "s3cret" not in r.get_data(as_text=True)
    assert "github_webhook_secret" not in api.get("/projects/web").json


def test_it_needs_an_ingest_token_to_create_a_project(client, make_token):
    headers = {"Authorization": f"Bearer {make_token('read')}"}
    r = client.post("/api/v1/projects", json={"slug": "web", "name": "Web"}, headers=headers)
    assert r.status_code == 403
