"""Builds through the API: create, idempotent repeats, status changes with their history,
and the rule that a finished build never moves back."""

import pytest


@pytest.fixture
def project(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    return "web"


def test_it_creates_a_build_and_records_its_first_status(api, project):
    r = api.post("/projects/web/builds", json={"status": "running", "branch": "main",
                                               "progress": 40, "number": 7})
    assert r.status_code == 201
    build = r.json
    assert (build["status"], build["progress"], build["project"]) == ("running", 40, "web")
    assert build["started_at"] is not None
    [update] = build["status_updates"]
    assert (update["old_status"], update["new_status"], update["source"]) == \
        (None, "running", "api")


def test_it_answers_a_repeated_external_id_with_200_and_the_same_build(api, project):
    first = api.post("/projects/web/builds", json={"external_id": "ci-1", "status": "queued"})
    again = api.post("/projects/web/builds", json={"external_id": "ci-1", "status": "running",
                                                   "progress": 10})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    assert again.json["status"] == "running"
    assert len(api.get("/projects/web/builds").json["items"]) == 1


def test_it_records_every_change_of_status_or_progress(api, project):
    build_id = api.post("/projects/web/builds", json={"status": "queued"}).json["id"]
    api.patch(f"/builds/{build_id}", json={"status": "running", "progress": 20})
    api.patch(f"/builds/{build_id}", json={"progress": 60, "message": "half way"})
    r = api.patch(f"/builds/{build_id}", json={"status": "success"})
    assert r.json["progress"] == 100 and r.json["finished_at"] is not None
    steps = [(u["old_status"], u["new_status"], u["old_progress"], u["new_progress"])
             for u in r.json["status_updates"]]
    assert steps == [(None, "queued", None, None), ("queued", "running", None, 20),
                     ("running", "running", 20, 60), ("running", "success", 60, 100)]
    assert r.json["status_updates"][2]["message"] == "half way"


def test_it_keeps_a_finished_build_finished(api, project):
    build_id = api.post("/projects/web/builds", json={"external_id": "x",
                                                      "status": "success"}).json["id"]
    late = api.patch(f"/builds/{build_id}", json={"status": "running", "progress": 30})
    assert late.status_code == 200
    assert (late.json["status"], late.json["progress"]) == ("success", 100)
    repeat = api.post("/projects/web/builds", json={"external_id": "x", "status": "queued"})
    assert repeat.json["status"] == "success"
    assert len(repeat.json["status_updates"]) == 1


def test_it_lets_a_finished_build_be_re_marked_as_another_outcome(api, project):
    build_id = api.post("/projects/web/builds", json={"status": "success"}).json["id"]
    r = api.patch(f"/builds/{build_id}", json={"status": "failed", "message": "flaky deploy"})
    assert r.json["status"] == "failed"


def test_it_filters_and_pages_the_build_list(api, project):
    for n in range(5):
        api.post("/projects/web/builds", json={
            "status": "failed" if n % 2 else "success", "branch": "main" if n < 3 else "dev",
            "number": n})
    failed = api.get("/projects/web/builds?status=failed").json["items"]
    assert sorted(b["number"] for b in failed) == [1, 3]
    dev = api.get("/projects/web/builds?branch=dev").json["items"]
    assert sorted(b["number"] for b in dev) == [3, 4]
    first = api.get("/projects/web/builds?limit=2").json
    second = api.get(f"/projects/web/builds?limit=2&cursor={first['next_cursor']}").json
    third = api.get(f"/projects/web/builds?limit=2&cursor={second['next_cursor']}").json
    numbers = [b["number"] for b in first["items"] + second["items"] + third["items"]]
    assert numbers == [4, 3, 2, 1, 0] and third["next_cursor"] is None


def test_it_shows_stages_and_history_on_one_build(api, project):
    build_id = api.post("/projects/web/builds", json={"status": "running"}).json["id"]
    r = api.get(f"/builds/{build_id}")
    assert r.status_code == 200
    assert r.json["stages"] == [] and len(r.json["status_updates"]) == 1
