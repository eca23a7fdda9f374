"""The generic format: what a Jenkins job or a script sends, and errors that name the field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jadugar.services.webhooks import WebhookPayloadError, normalize_generic

GENERIC = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "generic"
MINIMAL = {"repository": "team/app", "run_id": "123", "status": "running"}


def test_it_reads_a_jenkins_run(deliver):
    event = deliver(GENERIC / "jenkins.json")
    assert (event.provider, event.repository, event.project_name) == (
        "generic", "team/app", "app")
    assert (event.external_id, event.number, event.status) == ("123", 123, "failed")
    assert event.commit_sha == "2293ada6b400935a1378653304eaf6221e0fdb8f"  # lower-cased
    assert event.started_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)  # from milliseconds
    assert [(s.position, s.external_id, s.status) for s in event.stages] == [
        (0, "checkout", "success"), (1, "test", "failed"), (2, "deploy", "skipped")]
    assert event.progress == 100


def test_it_reads_the_smallest_payload(deliver):
    event = deliver(GENERIC / "minimal.json")
    assert (event.external_id, event.status, event.kind, event.stages) == (
        "nightly-2024-03-01", "running", "build", [])
    assert event.progress is None


def test_it_reads_a_deployment_with_its_progress(deliver):
    event = deliver(GENERIC / "deploy-with-progress.json")
    assert (event.kind, event.environment, event.progress) == ("deploy", "production", 42)
    assert event.started_at == datetime(2024, 3, 1, 11, 0, tzinfo=UTC)


def test_it_derives_progress_from_finished_stages():
    stages = [{"id": i, "name": f"step {i}", "status": s}
              for i, s in enumerate(["success", "skipped", "running", "queued"])]
    assert normalize_generic({**MINIMAL, "stages": stages}).progress == 50


@pytest.mark.parametrize(("given", "expected"), [
    ("SUCCESS", "success"), ("FAILURE", "failed"), ("UNSTABLE", "failed"),
    ("ABORTED", "cancelled"), ("NOT_BUILT", "skipped"), ("canceled", "cancelled"),
    ("pending", "queued"), ("in_progress", "running"), ("passed", "success"),
    (" Running ", "running"),
])
def test_it_accepts_the_status_spellings_other_cis_use(given, expected):
    assert normalize_generic({**MINIMAL, "status": given}).status == expected


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"repository": None}, "repository", "repository is required"),
    ({"repository": "  "}, "repository", "repository is required"),
    ({"repository": ["team/app"]}, "repository", "repository must be a string"),
    ({"repository": "x" * 256}, "repository", "at most 255 characters"),
    ({"run_id": None}, "run_id", "run_id is required"),
    ({"run_id": True}, "run_id", "must be a string or an integer"),
    ({"status": None}, "status", "status is required"),
    ({"status": "green"}, "status", "status must be one of queued, running, success"),
    ({"status": 3}, "status", "status must be one of"),
    ({"kind": "release"}, "kind", "kind must be one of build, deploy"),
    ({"number": -1}, "number", "number must be an integer"),
    ({"number": "12a"}, "number", "number must be an integer"),
    ({"number": "²"}, "number", "number must be an integer"),
    ({"number": "9" * 5000}, "number", "number must be an integer"),
    ({"progress": 101}, "progress", "from 0 to 100"),
    ({"progress": "50"}, "progress", "from 0 to 100"),
    ({"commit": "not-a-sha"}, "commit", "hexadecimal"),
    ({"url": "javascript:alert(1)"}, "url", "http(s) URL"),
    ({"repository_url": "ftp://x"}, "repository_url", "http(s) URL"),
    ({"started_at": "soon"}, "started_at", "ISO 8601 time or Unix seconds"),
    ({"started_at": 200, "finished_at": 100}, "finished_at", "before started_at"),
    ({"stages": {"id": 1}}, "stages", "stages must be a list"),
    ({"stages": [None]}, "stages[0]", "stages[0] must be an object"),
    ({"stages": [{"id": 1, "status": "success"}]}, "stages[0].name", "stages[0].name is required"),
    ({"stages": [{"name": "a", "status": "success"}]}, "stages[0].id", "stages[0].id is required"),
    ({"stages": [{"id": 1, "name": "a", "status": "ok"}]}, "stages[0].status", "must be one of"),
    ({"stages": [{"id": 1, "name": "a", "status": "success", "finished_at": "x"}]},
     "stages[0].finished_at", "ISO 8601"),
    ({"stages": [{"id": 1, "name": "a", "status": "success"}, {"id": 2, "name": "b",
                  "status": "success"}, {"id": "1", "name": "c", "status": "queued"}]},
     "stages[2].id", "stages[2].id repeats stages[0].id"),
    ({"stages": [{"id": i, "name": "s", "status": "queued"} for i in range(501)]},
     "stages", "more than 500"),
])
def test_it_names_the_field_at_fault(change, field, message):
    with pytest.raises(WebhookPayloadError) as raised:
        normalize_generic({**MINIMAL, **change})
    assert raised.value.field == field
    assert message in raised.value.message


def test_it_refuses_a_body_that_is_not_an_object():
    with pytest.raises(WebhookPayloadError) as raised:
        normalize_generic([MINIMAL])
    assert raised.value.field == "body"


def test_it_ignores_keys_it_does_not_know():
    assert normalize_generic({**MINIMAL, "triggered_by": "alice"}).status == "running"
