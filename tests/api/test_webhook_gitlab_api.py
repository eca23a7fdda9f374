"""GitLab deliveries with GitLab's documented example payloads: Pipeline, Job and
Deployment hooks, the token check, redeliveries, out-of-order jobs and unknown hooks."""

import json
from pathlib import Path

import pytest

from jadugar import config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "gitlab"
TOKEN = "gitlab-shared-token"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def send(client):
    before = config.get()
    config.override(before.replace(gitlab_webhook_token=TOKEN))

    def _send(hook: str, body, *, token: str | None = TOKEN, uuid: str | None = None):
        headers = {"X-Gitlab-Event": hook}
        if token is not None:
            headers["X-Gitlab-Token"] = token
        if uuid:
            headers["X-Gitlab-Event-UUID"] = uuid
        return client.post("/api/v1/webhooks/gitlab", json=body, headers=headers)

    yield _send
    config.override(before)


def test_it_files_a_pipeline_with_its_jobs_as_stages(send, api):
    r = send("Pipeline Hook", load("pipeline.documented.json"))
    assert r.status_code == 201, r.json
    build = api.get(f"/builds/{r.json['build']['id']}").json
    assert build["external_id"] == "gl-pipeline-31"
    assert build["status"] == "success"
    assert len(build["stages"]) >= 1
    assert build["status_updates"][0]["source"] == "gitlab"
    assert api.get("/projects/gitlab-test").json["repository"] == "gitlab-org/gitlab-test"


def test_it_refuses_a_wrong_or_missing_token(send):
    assert send("Pipeline Hook", load("pipeline.documented.json"),
                token="nope").status_code == 401
    r = send("Pipeline Hook", load("pipeline.documented.json"), token=None)
    assert r.status_code == 401 and r.json["error"]["field"] == "X-Gitlab-Token"


def test_it_treats_a_redelivered_event_uuid_as_a_no_op(send):
    body = load("pipeline.messy-running.json")
    assert send("Pipeline Hook", body, uuid="u-1").status_code == 201
    again = send("Pipeline Hook", body, uuid="u-1")
    assert again.status_code == 200 and again.json["status"] == "duplicate"


def test_it_keeps_a_finished_pipeline_finished_when_a_running_hook_arrives_late(send):
    done = load("pipeline.documented.json")
    late = json.loads(json.dumps(done))
    late["object_attributes"]["status"] = "running"
    first = send("Pipeline Hook", done)
    second = send("Pipeline Hook", late)
    assert second.json["build"]["id"] == first.json["build"]["id"]
    assert second.json["build"]["status"] == "success"


def test_it_adds_a_job_hook_to_its_pipeline(send, api):
    job = load("job.documented.json")
    r = send("Job Hook", job)
    assert r.status_code == 201, r.json
    build = api.get(f"/builds/{r.json['build']['id']}").json
    assert build["external_id"] == "gl-pipeline-2366"
    assert [s["name"] for s in build["stages"]] == ["test"]


def test_it_files_a_deployment_hook_as_a_deploy(send):
    r = send("Deployment Hook", load("deployment.documented.json"))
    assert r.status_code == 201
    assert r.json["build"]["kind"] == "deploy"
    assert r.json["build"]["environment"] == "staging"


def test_it_answers_202_to_a_push_hook(send):
    r = send("Push Hook", load("push.documented.json"))
    assert r.status_code == 202 and r.json["reason"]


def test_it_answers_422_when_the_project_is_missing(send):
    r = send("Job Hook", load("job.invalid-no-project.json"))
    assert r.status_code == 422 and r.json["error"]["field"]
