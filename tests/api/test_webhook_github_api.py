"""GitHub deliveries with GitHub's own example payloads: signed, unsigned, badly signed,
redelivered, out of order, unknown events, and a project created on first sight."""

import hashlib
import hmac
import json
import uuid
from pathlib import Path

import pytest

from jadugar import config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "github"
SECRET = "It's a Secret to Everybody"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def secret():
    before = config.get()
    config.override(before.replace(github_webhook_secret=SECRET))
    yield SECRET
    config.override(before)


@pytest.fixture
def send(client, secret):
    def _send(event: str, body, *, key: str | None = SECRET, delivery: str | None = None,
              signature: str | None = None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"X-GitHub-Event": event, "Content-Type": "application/json",
                   "X-GitHub-Delivery": delivery or str(uuid.uuid4())}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        elif key is not None:
            digest = hmac.new(key.encode(), raw, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature-256"] = "sha256=" + digest
        return client.post("/api/v1/webhooks/github", data=raw, headers=headers)
    return _send


def test_it_files_a_signed_workflow_run_under_a_project_created_on_first_sight(send, api):
    r = send("workflow_run", load("workflow_run.completed-success.json"))
    assert r.status_code == 201, r.json
    assert r.json["status"] == "created"
    build = r.json["build"]
    assert (build["status"], build["number"], build["progress"]) == ("success", 163, 100)
    project = api.get("/projects/octo-repo").json
    assert project["repository"] == "octo-org/octo-repo"
    history = api.get(f"/builds/{build['id']}").json["status_updates"]
    assert history[0]["source"] == "github"


def test_it_refuses_an_unsigned_delivery(send):
    r = send("workflow_run", load("workflow_run.completed-success.json"), key=None)
    assert r.status_code == 401
    assert r.json["error"]["field"] == "X-Hub-Signature-256"


def test_it_refuses_a_badly_signed_delivery(send):
    r = send("workflow_run", load("workflow_run.completed-success.json"), key="wrong")
    assert r.status_code == 401
    r = send("workflow_run", load("workflow_run.completed-success.json"),
             signature="sha256=" + "0" * 64)
    assert r.status_code == 401


def test_it_refuses_everything_when_no_secret_is_configured(client):
    body = json.dumps(load("workflow_run.completed-success.json")).encode()
    r = client.post("/api/v1/webhooks/github", data=body,
                    headers={"X-GitHub-Event": "workflow_run",
                             "X-Hub-Signature-256": "sha256=abc"})
    assert r.status_code == 401
    assert "JADUGAR_GITHUB_WEBHOOK_SECRET" in r.json["error"]["message"]


def test_it_uses_the_project_secret_over_the_global_one(send, api):
    api.post("/projects", json={"slug": "octo", "name": "Octo",
                                "repository": "octo-org/octo-repo"})
    api._call("put", "/projects/octo/webhook-secrets", json={"github_webhook_secret": "own"})
    body = load("workflow_run.completed-success.json")
    assert send("workflow_run", body).status_code == 401
    assert send("workflow_run", body, key="own").status_code == 201


def test_it_treats_a_redelivery_as_a_no_op(send, api):
    body = load("workflow_run.requested.json")
    first = send("workflow_run", body, delivery="d-1")
    again = send("workflow_run", body, delivery="d-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["status"] == "duplicate"
    build = api.get(f"/builds/{first.json['build']['id']}").json
    assert len(build["status_updates"]) == 1


def test_it_keeps_a_run_finished_when_an_older_delivery_arrives_late(send, api):
    done = send("workflow_run", load("workflow_run.completed-success.json"))
    late = send("workflow_run", load("workflow_run.requested.json"))
    assert late.status_code == 200
    assert late.json["build"]["id"] == done.json["build"]["id"]
    assert late.json["build"]["status"] == "success"


def test_it_reads_completed_with_status_queued_as_queued(send):
    r = send("workflow_run", load("workflow_run.completed-status-queued.json"))
    assert r.status_code == 201 and r.json["build"]["status"] == "queued"


def test_it_accepts_messy_payloads_with_nulls(send):
    r = send("workflow_run", load("workflow_run.messy-nulls.json"))
    assert r.status_code in (200, 201), r.json


def test_it_turns_jobs_into_stages_even_before_their_run_arrives(send, api):
    run = load("workflow_run.completed-success.json")
    job = load("workflow_job.in_progress.json")
    job["repository"] = run["repository"]
    job["workflow_job"]["run_id"] = run["workflow_run"]["id"]
    first = send("workflow_job", job)
    assert first.status_code == 201 and first.json["build"]["status"] == "running"
    finished_job = json.loads(json.dumps(job))
    finished_job["workflow_job"].update(status="completed", conclusion="success",
                                        completed_at="2099-01-01T00:00:00Z")
    send("workflow_job", finished_job)
    send("workflow_job", job)  # a late in_progress must not reopen the finished job
    r = send("workflow_run", run)
    assert r.json["build"]["id"] == first.json["build"]["id"]
    build = api.get(f"/builds/{first.json['build']['id']}").json
    assert build["status"] == "success"
    [stage] = build["stages"]
    assert stage["status"] == "success" and stage["external_id"].startswith("gh-job-")


def test_it_files_a_deployment_as_a_deploy(send):
    r = send("deployment_status", load("deployment_status.created-success.json"))
    assert r.status_code == 201
    assert (r.json["build"]["kind"], r.json["build"]["status"]) == ("deploy", "success")


@pytest.mark.parametrize("event, name", [
    ("ping", "ping.repository.json"), ("star", "star.created.json"),
    ("issues", "issues.opened.json"), ("deployment_status", "deployment_status.inactive.json"),
])
def test_it_answers_202_with_a_reason_to_events_it_does_not_track(send, event, name):
    r = send(event, load(name))
    assert r.status_code == 202
    assert r.json["status"] == "ignored" and r.json["reason"]


def test_it_answers_422_naming_the_field_when_the_run_id_is_missing(send):
    r = send("workflow_job", load("workflow_job.invalid-no-run-id.json"))
    assert r.status_code == 422
    assert r.json["error"]["field"] == "workflow_job.run_id"


def test_it_answers_400_to_a_signed_body_that_is_not_json(send):
    r = send("workflow_run", b"{oops")
    assert r.status_code == 400


def attempt(name: str, number: int) -> dict:
    """GitHub's example payload as a re-run sends it: same run id, run_attempt raised."""
    body = load(name)
    body["workflow_run"]["run_attempt"] = number
    body["workflow_run"]["previous_attempt_url"] = (
        f"{body['workflow_run']['url']}/attempts/{number - 1}")
    return body


def test_it_reopens_a_finished_run_for_a_re_run_attempt(send, api):
    done = send("workflow_run", load("workflow_run.completed-success.json")).json["build"]
    rerun = send("workflow_run", attempt("workflow_run.requested.json", 2))
    assert rerun.status_code == 200
    build = api.get(f"/builds/{done['id']}").json
    assert (build["status"], build["attempt"], build["finished_at"]) == ("queued", 2, None)
    note = build["status_updates"][-1]
    assert (note["old_status"], note["new_status"]) == ("success", "queued")
    assert (note["source"], note["message"]) == ("github", "re-run attempt 2")
    # Within attempt 2 the old rules hold, and attempt 1 can no longer move it.
    assert send("workflow_run", load("workflow_run.completed-success.json")
                ).json["build"]["status"] == "queued"
    again = send("workflow_run", attempt("workflow_run.completed-success.json", 2))
    assert again.json["build"]["status"] == "success"
    late = send("workflow_run", attempt("workflow_run.requested.json", 2))
    assert late.json["build"]["status"] == "success"
