"""A status page with applications, made through the API as an admin would."""

from __future__ import annotations


def make_page(api, *apps: str, slug: str = "public", **fields) -> None:
    for app in apps:
        r = api.post("/applications", json={"slug": app, "name": app.title()})
        assert r.status_code == 201, r.get_data(as_text=True)
    r = api.post("/status-pages", json={"slug": slug, "title": "Acme status",
                                        "applications": list(apps), **fields})
    assert r.status_code == 201, r.get_data(as_text=True)


def post_incident(api, title: str, impact: str, message: str, slug: str = "public",
                  **fields) -> dict:
    r = api.post(f"/status-pages/{slug}/incidents", json={
        "title": title, "impact": impact, "message": message, **fields})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.json


def post_update(api, incident_id: int, state: str, message: str,
                slug: str = "public") -> dict:
    r = api.post(f"/status-pages/{slug}/incidents/{incident_id}/updates",
                 json={"state": state, "message": message})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.json
