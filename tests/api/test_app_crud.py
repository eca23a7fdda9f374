def test_it_creates_reads_changes_and_deletes_an_application(api):
    r = api.post("/applications", json={"slug": "shop", "name": "Shop", "tags": ["web", "web"],
                                        "environment": "production"})
    assert r.status_code == 201, r.json
    assert r.json["tags"] == ["web"] and r.json["status"] == "unknown"
    assert api.get("/applications/shop").json["name"] == "Shop"
    r = api.patch("/applications/shop", json={"owner": "team-web", "name": "The shop"})
    assert r.status_code == 200 and r.json["owner"] == "team-web"
    assert api.delete("/applications/shop").status_code == 204
    assert api.get("/applications/shop").status_code == 404


def test_it_names_the_field_at_fault(api):
    r = api.post("/applications", json={"slug": "Bad Slug", "name": "x"})
    assert r.status_code == 422 and r.json["error"]["field"] == "slug"
    r = api.post("/applications", json={"slug": "ok"})
    assert r.status_code == 422 and r.json["error"]["field"] == "name"
    api.post("/applications", json={"slug": "ok", "name": "Ok"})
    r = api.post("/applications", json={"slug": "ok", "name": "Again"})
    assert r.status_code == 409 and r.json["error"]["field"] == "slug"
    r = api.patch("/applications/ok", json={"tags": "web"})
    assert r.status_code == 422 and r.json["error"]["field"] == "tags"


def test_it_lets_only_admins_change_applications(client, make_token):
    token = make_token("ingest")
    r = client.post("/api/v1/applications", json={"slug": "x", "name": "X"},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
