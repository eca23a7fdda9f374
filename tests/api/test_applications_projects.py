"""Finding 2: POST and PATCH /applications with `projects` answered 422 "unknown field", so
only the demo could link an application to the projects that deploy it."""


def _projects(api, *slugs: str) -> None:
    for slug in slugs:
        assert api.post("/projects", json={"slug": slug, "name": slug}).status_code == 201


def test_it_links_an_application_to_projects_on_create_and_change(api):
    _projects(api, "shop-repo", "infra")
    r = api.post("/applications", json={"slug": "shop", "name": "Shop",
                                        "projects": ["shop-repo"]})
    assert r.status_code == 201, r.json
    assert r.json["projects"] == ["shop-repo"]
    r = api.patch("/applications/shop", json={"projects": ["infra", "shop-repo"]})
    assert r.status_code == 200 and r.json["projects"] == ["infra", "shop-repo"]
    assert api.get("/applications/shop").json["projects"] == ["infra", "shop-repo"]
    assert api.get("/applications").json["items"][0]["projects"] == ["infra", "shop-repo"]
    r = api.patch("/applications/shop", json={"projects": []})
    assert r.status_code == 200 and r.json["projects"] == []


def test_it_names_projects_when_a_project_is_missing(api):
    r = api.post("/applications", json={"slug": "shop", "name": "Shop",
                                        "projects": ["nope"]})
    assert r.status_code == 422 and r.json["error"]["field"] == "projects"
    assert "nope" in r.json["error"]["message"]
    assert api.get("/applications/shop").status_code == 404
    r = api.post("/applications", json={"slug": "shop", "name": "Shop", "projects": "x"})
    assert r.status_code == 422 and r.json["error"]["field"] == "projects"


def test_the_openapi_document_describes_the_links(api):
    schemas = api.get("/openapi.json").json["components"]["schemas"]
    assert schemas["ApplicationInput"]["properties"]["projects"]["type"] == "array"
    assert schemas["Application"]["properties"]["projects"]["items"] == {"type": "string"}
