"""GitLab deliveries: pipelines with their jobs, single jobs, deployments, and statuses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jadugar.services.webhooks import Ignored, WebhookPayloadError, normalize_gitlab

GITLAB = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "gitlab"


@pytest.mark.parametrize(("gitlab_status", "expected"), [
    ("created", "queued"), ("waiting_for_resource", "queued"), ("preparing", "queued"),
    ("pending", "queued"), ("scheduled", "queued"), ("manual", "queued"),
    ("running", "running"), ("success", "success"), ("failed", "failed"),
    ("canceled", "cancelled"), ("canceling", "cancelled"), ("skipped", "skipped"),
    ("something_new", None), (None, None),
])
def test_it_maps_pipeline_statuses(gitlab_status, expected, payload):
    body = payload("gitlab", "pipeline.documented.json")
    body["object_attributes"]["status"] = gitlab_status
    assert normalize_gitlab("Pipeline Hook", body).status == expected


def test_it_reads_the_documented_pipeline(deliver):
    event = deliver(GITLAB / "pipeline.documented.json")
    assert (event.provider, event.repository, event.project_name) == (
        "gitlab", "gitlab-org/gitlab-test", "Gitlab Test")
    assert (event.external_id, event.number, event.status) == ("gl-pipeline-31", 3, "success")
    assert (event.branch, event.trigger) == ("master", "merge_request_event")
    assert event.commit_sha == "bcbb5ec396a2c0f828686f14fac9b80b780504f2"
    assert event.commit_at == datetime(2016, 8, 12, 15, 23, 21, tzinfo=UTC)  # was +02:00
    assert event.started_at == datetime(2016, 8, 12, 15, 24, 56, tzinfo=UTC)  # first job
    assert event.finished_at == datetime(2016, 8, 12, 15, 26, 29, tzinfo=UTC)
    assert event.url == "http://example.com/gitlab-org/gitlab-test/-/pipelines/31"
    assert (event.message, event.progress) == ("test", 100)


def test_it_orders_jobs_by_stage_then_id(deliver):
    event = deliver(GITLAB / "pipeline.documented.json")
    assert [(s.position, s.name, s.status) for s in event.stages] == [
        (0, "build-image", "success"),
        (1, "test-image", "success"),
        (2, "test-build", "failed"),
        (3, "staging", "queued"),
        (4, "production", "skipped"),
    ]
    assert event.stages[0].url == "http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/376"


def test_it_keeps_the_usable_jobs_of_a_messy_pipeline(deliver):
    event = deliver(GITLAB / "pipeline.messy-running.json")
    # Unknown status, missing id, null and non-object jobs are left out; a repeat collapses.
    assert [s.external_id for s in event.stages] == [
        "gl-job-9001", "gl-job-9002", "gl-job-9003", "gl-job-9004"]
    assert (event.status, event.progress, event.project_name) == ("running", 25, "app")
    assert event.started_at == datetime(2024, 3, 1, 10, 0, 30, tzinfo=UTC)
    assert event.url == "https://gitlab.example.com/group/sub/app/-/pipelines/4012"


def test_it_files_a_job_under_its_pipeline(deliver):
    event = deliver(GITLAB / "job.documented.json")
    assert (event.external_id, event.status, event.pipeline) == (
        "gl-pipeline-2366", None, "Build pipeline")
    [stage] = event.stages
    assert (stage.external_id, stage.name, stage.status) == ("gl-job-1977", "test", "queued")


def test_it_reads_an_older_job_hook_without_iso_times(deliver):
    event = deliver(GITLAB / "job.old-format-running.json")
    assert event.environment == "production"
    assert event.stages[0].started_at == datetime(2016, 8, 12, 15, 23, 28, tzinfo=UTC)


def test_it_ignores_a_job_with_a_status_it_cannot_map(payload):
    body = payload("gitlab", "job.documented.json")
    body["build_status"] = "something_new"
    assert normalize_gitlab("Job Hook", body) == Ignored("job 1977 has no status we can map")


def test_it_reads_the_documented_deployment(deliver):
    event = deliver(GITLAB / "deployment.documented.json")
    assert (event.external_id, event.kind, event.environment, event.status) == (
        "gl-deployment-15", "deploy", "staging", "success")
    assert event.commit_sha == "279484c09fbe69ededfced8c1bb6e6d24616b468"
    assert event.finished_at == datetime(2021, 4, 28, 19, 50, tzinfo=UTC)  # was +0200


@pytest.mark.parametrize("header", [None, "", "System Hook"])
def test_it_falls_back_to_object_kind_without_a_specific_header(header, payload):
    event = normalize_gitlab(header, payload("gitlab", "pipeline.documented.json"))
    assert event.external_id == "gl-pipeline-31"


def test_it_ignores_other_hooks(payload):
    body = payload("gitlab", "push.documented.json")
    assert normalize_gitlab("Push Hook", body) == Ignored("event Push Hook is not handled")


@pytest.mark.parametrize(("hook", "body", "field"), [
    (None, {"object_kind": "note"}, "X-Gitlab-Event"),
    ("Pipeline Hook", {"object_attributes": {"id": 1}}, "project.path_with_namespace"),
    ("Pipeline Hook", {"project": {"path_with_namespace": "a/b"}}, "object_attributes.id"),
    ("Job Hook", {"project": {"path_with_namespace": "a/b"}, "build_id": 2}, "pipeline_id"),
    ("Job Hook", {"project": {"path_with_namespace": "a/b"}, "pipeline_id": 2}, "build_id"),
    ("Deployment Hook", {"project": {"path_with_namespace": "a/b"}}, "deployment_id"),
    ("Pipeline Hook", "not an object", "body"),
])
def test_it_names_the_essential_field_that_is_missing(hook, body, field):
    with pytest.raises(WebhookPayloadError) as raised:
        normalize_gitlab(hook, body)
    assert raised.value.field == field
