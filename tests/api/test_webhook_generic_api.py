"""The generic webhook for Jenkins or any script: an ingest token or X-Jadugar-Token."""

import json
from pathlib import Path

from jadugar import config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "generic"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_it_files_a_jenkins_run_sent_with_an_ingest_token(api):
    r = api.post("/webhooks/generic", json=load("jenkins.json"))
    assert r.status_code == 201, r.json
    build = api.get(f"/builds/{r.json['build']['id']}").json
    assert build["status"] == "failed" and build["external_id"] == "123"
    assert [s["name"] for s in build["stages"]] == ["Checkout", "Test", "Deploy"]
    assert build["status_updates"][0]["source"] == "generic"


def test_it_refuses_a_read_token_and_no_token(client, make_token):
    headers = {"Authorization": f"Bearer {make_token('read')}"}
    body = load("minimal.json")
    assert client.post("/api/v1/webhooks/generic", json=body,
                       headers=headers).status_code == 403
    assert client.post("/api/v1/webhooks/generic", json=body).status_code == 401


def test_it_accepts_the_shared_token_when_one_is_set(client):
    before = config.get()
    config.override(before.replace(generic_webhook_token="shh"))
    try:
        body = load("deploy-with-progress.json")
        ok = client.post("/api/v1/webhooks/generic", json=body,
                         headers={"X-Jadugar-Token": "shh"})
        bad = client.post("/api/v1/webhooks/generic", json=body,
                          headers={"X-Jadugar-Token": "nope"})
    finally:
        config.override(before)
    assert ok.status_code == 201 and ok.json["build"]["progress"] == 42
    assert bad.status_code == 401


def test_it_answers_422_naming_the_bad_field(api):
    r = api.post("/webhooks/generic", json={"repository": "team/app", "run_id": 1,
                                            "status": "exploded"})
    assert r.status_code == 422 and r.json["error"]["field"] == "status"


def test_it_updates_the_same_run_instead_of_adding_one(api):
    first = api.post("/webhooks/generic", json=load("minimal.json"))
    done = dict(load("minimal.json"), status="success")
    again = api.post("/webhooks/generic", json=done)
    assert again.status_code == 200
    assert again.json["build"]["id"] == first.json["build"]["id"]
    assert again.json["build"]["status"] == "success"
