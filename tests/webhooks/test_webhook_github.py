"""GitHub deliveries: which events count, how statuses map, and what each file becomes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jadugar.services.webhooks import Ignored, WebhookPayloadError, normalize_github
from jadugar.services.webhooks.github import run_status

GITHUB = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "github"
REPO = {"full_name": "octo-org/hello-world", "name": "hello-world",
        "html_url": "https://github.com/octo-org/hello-world"}


@pytest.mark.parametrize(("status", "conclusion", "expected"), [
    ("requested", None, "queued"),
    ("queued", None, "queued"),
    ("waiting", None, "queued"),
    ("pending", None, "queued"),
    ("in_progress", None, "running"),
    ("completed", "success", "success"),
    ("completed", "failure", "failed"),
    ("completed", "timed_out", "failed"),
    ("completed", "startup_failure", "failed"),
    ("completed", "cancelled", "cancelled"),
    ("completed", "stale", "cancelled"),
    ("completed", "skipped", "skipped"),
    ("completed", "neutral", "skipped"),
    ("completed", "action_required", "queued"),
    ("completed", None, None),
    ("queued", "success", "success"),        # a known conclusion wins over a lagging status
    (None, None, None),
    ("brand_new_status", None, None),
    (["not", "text"], {"not": "text"}, None),
])
def test_it_maps_run_status_and_conclusion(status, conclusion, expected):
    assert run_status(status, conclusion) == expected


@pytest.mark.parametrize(("state", "expected"), [
    ("success", "success"), ("failure", "failed"), ("error", "failed"),
    ("in_progress", "running"), ("queued", "queued"), ("pending", "queued"),
    ("surprising", None),
])
def test_it_maps_deployment_states(state, expected):
    body = {"action": "created", "repository": REPO, "deployment": {"id": 9, "environment": "prod"},
            "deployment_status": {"state": state}}
    event = normalize_github("deployment_status", body)
    assert (event.status, event.kind, event.environment) == (expected, "deploy", "prod")


@pytest.mark.parametrize(("name", "expected"), [
    ("workflow_run.completed-success.json",
     {"external_id": "gh-run-289782451", "status": "success", "number": 163,
      "repository": "octo-org/octo-repo", "project_name": "octo-repo", "branch": "master",
      "trigger": "repository_dispatch", "progress": 100,
      "finished_at": datetime(2020, 10, 5, 16, 33, 49, tzinfo=UTC)}),
    ("workflow_run.completed-status-queued.json",
     {"external_id": "gh-run-1589141559", "status": "queued", "finished_at": None,
      "pipeline": "Manually triggered workflow", "trigger": "workflow_dispatch"}),
    ("workflow_run.requested-action-required.json", {"status": "queued", "progress": None}),
    ("workflow_run.completed-no-conclusion.json", {"status": None, "finished_at": None}),
    ("workflow_run.messy-nulls.json",
     {"status": "running", "number": 12, "project_name": "hello-world", "url": None,
      "started_at": None, "repository_url": None}),
    ("workflow_job.completed-failure.json",
     {"external_id": "gh-run-2202229078", "status": None, "pipeline": "CodeQL",
      "url": "https://github.com/Codertocat/Hello-World/actions/runs/2202229078"}),
    ("check_suite.completed-success.json",
     {"external_id": "gh-suite-118578147", "status": "success",
      "pipeline": "octocoders-linter", "branch": "changes"}),
    ("check_suite.requested.json", {"status": "queued", "finished_at": None}),
    ("deployment_status.created-success.json",
     {"external_id": "gh-deployment-145988746", "status": "success", "kind": "deploy",
      "environment": "production", "pipeline": "deploy"}),
    ("deployment_status.created-in_progress-from-workflow.json",
     {"status": "running", "environment": "github-pages", "trigger": "dynamic"}),
])
def test_it_reads_each_github_payload_file(name, expected, deliver):
    event = deliver(GITHUB / name)
    assert {key: getattr(event, key) for key in expected} == expected


def test_it_turns_a_job_into_one_stage_of_its_run(deliver):
    event = deliver(GITHUB / "workflow_job.completed-failure.json")
    [stage] = event.stages
    assert (stage.external_id, stage.name, stage.status) == ("gh-job-289782451", "linters",
                                                             "failed")
    assert stage.finished_at == datetime(2021, 8, 5, 10, 38, 16, tzinfo=UTC)
    assert event.progress is None  # one job says nothing about the run's progress


@pytest.mark.parametrize(("event", "name", "reason"), [
    ("ping", "ping.repository.json", "ping"),
    ("ping", "ping.organization.json", "ping"),
    ("star", "star.created.json", "event star is not handled"),
    ("issues", "issues.opened.json", "event issues is not handled"),
    ("deployment_status", "deployment_status.inactive.json",
     "deployment status inactive is not tracked"),
    ("workflow_job", "workflow_job.completed-no-conclusion.json",
     "workflow_job 5 has no status we can map"),
])
def test_it_ignores_what_it_does_not_track_with_a_reason(event, name, reason, payload):
    assert normalize_github(event, payload("github", name)) == Ignored(reason)


def test_it_ignores_an_action_it_does_not_handle(payload):
    body = payload("github", "check_suite.completed-success.json")
    body["action"] = "rerequested_action"
    assert normalize_github("check_suite", body) == Ignored(
        "check_suite action rerequested_action is not handled")


def test_it_reads_a_payload_without_an_action_as_the_usual_one(payload):
    body = payload("github", "workflow_run.completed-success.json")
    del body["action"]
    assert normalize_github("workflow_run", body).status == "success"


@pytest.mark.parametrize("header", [None, "", "  "])
def test_it_requires_the_event_header(header):
    with pytest.raises(WebhookPayloadError) as raised:
        normalize_github(header, {})
    assert raised.value.field == "X-GitHub-Event"


@pytest.mark.parametrize(("event", "body", "field"), [
    ("workflow_run", {"workflow_run": {"id": 1}}, "repository.full_name"),
    ("workflow_run", {"repository": REPO, "workflow_run": None}, "workflow_run.id"),
    ("workflow_job", {"repository": REPO, "workflow_job": {"run_id": 3}}, "workflow_job.id"),
    ("check_suite", {"repository": REPO, "check_suite": {"id": ""}}, "check_suite.id"),
    ("deployment_status", {"repository": REPO, "deployment_status": {"state": "success"}},
     "deployment.id"),
    ("workflow_run", ["not", "an", "object"], "body"),
])
def test_it_names_the_essential_field_that_is_missing(event, body, field):
    with pytest.raises(WebhookPayloadError) as raised:
        normalize_github(event, body)
    assert raised.value.field == field


@pytest.mark.parametrize(("run_number", "expected"), [
    (7, 7), ("7", 7), ("²", None), (True, None), ("9" * 5000, None)])
def test_it_reads_a_run_number_only_when_it_is_one(run_number, expected, payload):
    body = payload("github", "workflow_run.completed-success.json")
    body["workflow_run"]["run_number"] = run_number
    assert normalize_github("workflow_run", body).number == expected


def test_it_drops_links_that_are_not_http(payload):
    body = payload("github", "workflow_run.completed-success.json")
    body["workflow_run"]["html_url"] = "javascript:alert(document.cookie)"
    assert normalize_github("workflow_run", body).url is None
