"""Milestones: progress snapshots, status changes, notes, and the project timeline."""

import pytest


@pytest.fixture
def milestone(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    r = api.post("/projects/web/milestones", json={"title": "v2", "due_on": "2026-12-31"})
    assert r.status_code == 201
    return r.json


def test_it_keeps_a_snapshot_of_every_progress_change(api, milestone):
    mid = milestone["id"]
    api.patch(f"/milestones/{mid}", json={"progress": 30, "status": "active"})
    api.patch(f"/milestones/{mid}", json={"progress": 60, "note": "API done"})
    api.patch(f"/milestones/{mid}", json={"title": "v2.0"})  # no progress change
    m = api.get(f"/milestones/{mid}").json
    assert (m["title"], m["progress"], m["status"]) == ("v2.0", 60, "active")
    assert [p["value"] for p in m["progress_history"]] == [0, 30, 60]
    assert m["progress_history"][2]["note"] == "API done"


def test_it_puts_milestone_changes_and_notes_on_the_timeline(api, milestone):
    mid = milestone["id"]
    api.patch(f"/milestones/{mid}", json={"progress": 50})
    r = api.post("/projects/web/status-updates", json={"message": "Design review passed",
                                                       "milestone_id": mid})
    assert r.status_code == 201
    items = api.get("/projects/web/status-updates").json["items"]
    assert items[0]["message"] == "Design review passed"
    assert (items[1]["old_progress"], items[1]["new_progress"]) == (0, 50)
    only = api.get(f"/projects/web/status-updates?milestone_id={mid}&limit=1").json
    assert len(only["items"]) == 1 and only["next_cursor"]
    rest = api.get(f"/projects/web/status-updates?milestone_id={mid}"
                   f"&cursor={only['next_cursor']}").json
    assert len(rest["items"]) == 2


@pytest.mark.parametrize("body, field", [
    ({"progress": 101}, "progress"), ({"progress": "a lot"}, "progress"),
    ({"status": "finished"}, "status"), ({"due_on": "soon"}, "due_on"),
    ({"title": ""}, "title"),
])
def test_it_names_the_bad_field(api, milestone, body, field):
    r = api.patch(f"/milestones/{milestone['id']}", json=body)
    assert (r.status_code, r.json["error"]["field"]) == (422, field)


def test_it_answers_404_for_an_unknown_milestone(api, milestone):
    assert api.patch("/milestones/987654", json={"progress": 1}).status_code == 404
    r = api.post("/projects/web/status-updates", json={"message": "x", "milestone_id": 987654})
    assert (r.status_code, r.json["error"]["field"]) == (404, "milestone_id")


def test_it_lists_milestones_by_due_date(api, milestone):
    api.post("/projects/web/milestones", json={"title": "sooner", "due_on": "2026-06-01"})
    titles = [m["title"] for m in api.get("/projects/web/milestones").json["items"]]
    assert titles == ["sooner", "v2"]
