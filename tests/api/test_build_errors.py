"""Every bad input of the build-tracking API gets a JSON error naming the field, and
nothing is written."""

import pytest


@pytest.fixture
def project(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    return "web"


def _error(r, status, field=None):
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.is_json and "message" in r.json["error"]
    if field is not None:
        assert r.json["error"]["field"] == field
    return r.json["error"]


def test_it_answers_400_to_malformed_json(api, project):
    r = api.post("/projects/web/builds", data="{not json",
                 headers={"Content-Type": "application/json"})
    assert _error(r, 400)["code"] == "malformed_json"


@pytest.mark.parametrize("body, field", [
    ({"status": 5}, "status"),
    ({"status": "running", "progress": "half"}, "progress"),
    ({"status": "running", "number": "seven"}, "number"),
    ({"status": "running", "branch": ["main"]}, "branch"),
    ({"status": "running", "started_at": "yesterday"}, "started_at"),
    ({"status": "running", "kind": "release"}, "kind"),
    ({"status": "running", "url": "ftp://x"}, "url"),
    ({"status": "running", "stauts": "typo"}, "stauts"),
    ({"branch": "main"}, "status"),
])
def test_it_answers_422_to_wrong_types_naming_the_field(api, project, body, field):
    _error(api.post("/projects/web/builds", json=body), 422, field)


def test_it_answers_422_to_an_unknown_status(api, project):
    err = _error(api.post("/projects/web/builds", json={"status": "exploded"}), 422, "status")
    assert "queued" in err["message"]


@pytest.mark.parametrize("progress", [-1, 101, 1000])
def test_it_answers_422_to_progress_out_of_range(api, project, progress):
    _error(api.post("/projects/web/builds", json={"status": "running", "progress": progress}),
           422, "progress")
    build_id = api.post("/projects/web/builds", json={"status": "running"}).json["id"]
    _error(api.patch(f"/builds/{build_id}", json={"progress": progress}), 422, "progress")


def test_it_answers_404_to_an_unknown_project_or_build(api):
    _error(api.post("/projects/nope/builds", json={"status": "running"}), 404, "slug")
    _error(api.get("/projects/nope/builds"), 404, "slug")
    _error(api.patch("/builds/999999", json={"status": "failed"}), 404, "id")
    _error(api.get("/builds/999999"), 404, "id")
    _error(api.post("/projects/nope/milestones", json={"title": "x"}), 404, "slug")


def test_it_answers_413_to_a_body_over_the_limit(api, project, dash_app):
    limit = dash_app.server.config["MAX_CONTENT_LENGTH"]
    big = '{"status": "running", "message": "' + "x" * limit + '"}'
    r = api.post("/projects/web/builds", data=big, headers={"Content-Type": "application/json"})
    assert _error(r, 413)["code"] == "body_too_large"


def test_it_answers_409_to_a_duplicate_project(api, project):
    _error(api.post("/projects", json={"slug": "web", "name": "Web"}), 409, "slug")


def test_it_writes_nothing_when_a_request_fails(api, project):
    _error(api.post("/projects/web/builds", json={"status": "running", "progress": 500}), 422)
    _error(api.post("/projects/web/status-updates", json={"message": "hi", "build_id": 424242}),
           404, "build_id")
    assert api.get("/projects/web/builds").json["items"] == []
    assert api.get("/projects/web/status-updates").json["items"] == []


def test_it_refuses_finished_before_started(api, project):
    _error(api.post("/projects/web/builds", json={
        "status": "success", "started_at": "2026-01-02T00:00:00Z",
        "finished_at": "2026-01-01T00:00:00Z"}), 422, "finished_at")


def test_it_refuses_bad_filters(api, project):
    _error(api.get("/projects/web/builds?status=exploded"), 422, "status")
    _error(api.get("/projects/web/builds?since=tomorrow"), 422, "since")
