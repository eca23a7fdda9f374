"""GitHub webhooks (X-GitHub-Event) → BuildEvent | Ignored.

  event              what it is                          external_id
  workflow_run       one GitHub Actions run              gh-run-<workflow_run.id>
  workflow_job       one job of a run; status None       gh-run-<run_id>, stage gh-job-<id>
  check_suite        a check suite (any CI app)          gh-suite-<check_suite.id>
  deployment_status  a deployment; kind 'deploy'         gh-deployment-<deployment.id>
  ping               Ignored("ping"); every other event is Ignored("event X is not handled")

Errors (gitlab.py does the same): payloads are read leniently, so a missing, null or
mistyped field becomes None, never a KeyError or TypeError. Only what a build cannot be
filed under without guessing is essential: repository.full_name and the run's id. When one
is missing we raise WebhookPayloadError naming the field, which the API answers with 422.
`Ignored` is kept for well-formed deliveries we choose not to track.

Status: a known conclusion wins; without one the status decides, and "completed" without a
conclusion is unknown (None). The action is not consulted: it says why the hook fired,
while the object is GitHub's snapshot, and real deliveries arrive with action "completed"
and status "queued". So the upsert must never move a finished build back to queued.
A job whose status cannot be mapped is Ignored: a stage must have a status, and the next
delivery for that job will carry one.

Re-runs: GitHub re-runs a workflow under the same run id and raises `run_attempt` (also on
its jobs). The event carries it as `attempt`; a higher attempt than stored restarts the
build (builds.CHANGE), while within one attempt finished still stays finished. Jobs of
earlier attempts stay as stages: "re-run failed jobs" sends events only for the jobs it
runs again, and the others still count for the new attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jadugar.services.webhooks.cisource import CISource, repository_at, signature
from jadugar.services.webhooks.errors import WebhookPayloadError
from jadugar.services.webhooks.events import FINISHED, BuildEvent, Ignored, StageEvent
from jadugar.services.webhooks.fields import (
    dig,
    integer,
    message,
    require_object,
    required,
    text,
    web_url,
)
from jadugar.services.webhooks.times import time_or_none

STATUS = {
    "requested": "queued", "queued": "queued", "waiting": "queued", "pending": "queued",
    "in_progress": "running",
}
CONCLUSION = {
    "success": "success",
    "failure": "failed", "timed_out": "failed", "startup_failure": "failed",
    "cancelled": "cancelled",
    "skipped": "skipped", "neutral": "skipped",
    # Superseded or abandoned by GitHub: it will never finish, like a cancel.
    "stale": "cancelled",
    # Waiting for a person to approve the run; it may still run.
    "action_required": "queued",
}
DEPLOYMENT_STATE = {
    "success": "success", "failure": "failed", "error": "failed",
    "in_progress": "running", "queued": "queued", "pending": "queued",
}
ACTIONS = {
    "workflow_run": {"requested", "in_progress", "completed"},
    "workflow_job": {"queued", "waiting", "in_progress", "completed"},
    "check_suite": {"requested", "rerequested", "completed"},
    "deployment_status": {"created"},
}


def normalize(event_name: str | None, payload: Any) -> BuildEvent | Ignored:
    event = (event_name or "").strip()
    if not event:
        raise WebhookPayloadError("the X-GitHub-Event header is required", field="X-GitHub-Event")
    if event == "ping":
        return Ignored("ping")
    handler = HANDLERS.get(event)
    if handler is None:
        return Ignored(f"event {event[:100]} is not handled")
    body = require_object(payload)
    action = text(body.get("action"))
    # A missing action is read as the usual one rather than dropping the delivery.
    if action is not None and action not in ACTIONS[event]:
        return Ignored(f"{event} action {action[:100]} is not handled")
    return handler(body)


def run_status(status: Any, conclusion: Any) -> str | None:
    return CONCLUSION.get(text(conclusion) or "") or STATUS.get(text(status) or "")


def _project(body: dict[str, Any]) -> dict[str, Any]:
    full_name = required(dig(body, "repository", "full_name"), "repository.full_name")
    return {
        "provider": "github",
        "repository": full_name,
        "repository_url": web_url(dig(body, "repository", "html_url")),
        "project_name": text(dig(body, "repository", "name")) or full_name.rsplit("/", 1)[-1],
    }


def _attempt(value: Any) -> int | None:
    """run_attempt: 1 for the first run, +1 per re-run; anything else is not an attempt."""
    number = integer(value)
    return number if number is not None and number >= 1 else None


def _workflow_run(body: dict[str, Any]) -> BuildEvent:
    project = _project(body)
    run = body.get("workflow_run")
    run_id = required(dig(run, "id"), "workflow_run.id")
    status = run_status(dig(run, "status"), dig(run, "conclusion"))
    done = status in FINISHED
    return BuildEvent(
        **project, external_id=f"gh-run-{run_id}", status=status,
        number=integer(dig(run, "run_number")),
        branch=text(dig(run, "head_branch")),
        commit_sha=text(dig(run, "head_sha")),
        commit_at=time_or_none(dig(run, "head_commit", "timestamp")),
        # Runs of workflows without a `name:` arrive with an empty name.
        pipeline=text(dig(run, "name")) or text(dig(body, "workflow", "name")),
        trigger=text(dig(run, "event")),
        started_at=time_or_none(dig(run, "run_started_at")) or time_or_none(
            dig(run, "created_at")),
        finished_at=time_or_none(dig(run, "updated_at")) if done else None,
        url=web_url(dig(run, "html_url")),
        message=message(dig(run, "head_commit", "message")) or text(dig(run, "display_title")),
        progress=100 if done else None,
        attempt=_attempt(dig(run, "run_attempt")),
    )


def _workflow_job(body: dict[str, Any]) -> BuildEvent | Ignored:
    project = _project(body)
    job = body.get("workflow_job")
    run_id = required(dig(job, "run_id"), "workflow_job.run_id")
    job_id = required(dig(job, "id"), "workflow_job.id")
    status = run_status(dig(job, "status"), dig(job, "conclusion"))
    if status is None:
        return Ignored(f"workflow_job {job_id} has no status we can map")
    stage = StageEvent(
        external_id=f"gh-job-{job_id}",
        name=text(dig(job, "name")) or f"job {job_id}",
        status=status,
        started_at=time_or_none(dig(job, "started_at")),
        finished_at=time_or_none(dig(job, "completed_at")),
        url=web_url(dig(job, "html_url")),
    )
    repo_url = project["repository_url"]
    return BuildEvent(
        **project, external_id=f"gh-run-{run_id}", status=None,
        branch=text(dig(job, "head_branch")),
        commit_sha=text(dig(job, "head_sha")),
        pipeline=text(dig(job, "workflow_name")),
        url=f"{repo_url}/actions/runs/{run_id}" if repo_url else None,
        stages=[stage],
        attempt=_attempt(dig(job, "run_attempt")),
    )


def _check_suite(body: dict[str, Any]) -> BuildEvent:
    project = _project(body)
    suite = body.get("check_suite")
    suite_id = required(dig(suite, "id"), "check_suite.id")
    status = run_status(dig(suite, "status"), dig(suite, "conclusion"))
    done = status in FINISHED
    return BuildEvent(
        **project, external_id=f"gh-suite-{suite_id}", status=status,
        branch=text(dig(suite, "head_branch")),
        commit_sha=text(dig(suite, "head_sha")),
        commit_at=time_or_none(dig(suite, "head_commit", "timestamp")),
        pipeline=text(dig(suite, "app", "name")),
        started_at=time_or_none(dig(suite, "created_at")),
        finished_at=time_or_none(dig(suite, "updated_at")) if done else None,
        message=message(dig(suite, "head_commit", "message")),
        progress=100 if done else None,
    )


def _deployment_status(body: dict[str, Any]) -> BuildEvent | Ignored:
    state = text(dig(body, "deployment_status", "state"))
    # An older deployment to the same environment was superseded; nothing ran.
    if state == "inactive":
        return Ignored("deployment status inactive is not tracked")
    project = _project(body)
    deployment = body.get("deployment")
    deployment_id = required(dig(deployment, "id"), "deployment.id")
    update = body.get("deployment_status")
    status = DEPLOYMENT_STATE.get(state or "")
    done = status in FINISHED
    return BuildEvent(
        **project, external_id=f"gh-deployment-{deployment_id}", status=status,
        branch=text(dig(deployment, "ref")),
        commit_sha=text(dig(deployment, "sha")),
        pipeline=text(dig(body, "workflow", "name")) or text(dig(deployment, "task")),
        trigger=text(dig(body, "workflow_run", "event")),
        kind="deploy",
        environment=text(dig(deployment, "environment")) or text(dig(update, "environment")),
        started_at=time_or_none(dig(deployment, "created_at")),
        finished_at=time_or_none(dig(update, "created_at")) if done else None,
        # log_url is the current name; target_url the older one GitHub still fills.
        url=web_url(dig(update, "log_url")) or web_url(dig(update, "target_url")),
        message=message(dig(update, "description")) or message(dig(deployment, "description")),
        progress=100 if done else None,
    )


HANDLERS: dict[str, Callable[[dict[str, Any]], BuildEvent | Ignored]] = {
    "workflow_run": _workflow_run,
    "workflow_job": _workflow_job,
    "check_suite": _check_suite,
    "deployment_status": _deployment_status,
}

SOURCE = CISource(
    name="github", title="GitHub", auth=signature("X-Hub-Signature-256"),
    normalize=normalize, find_repository=repository_at("repository", "full_name"),
    setting="JADUGAR_GITHUB_WEBHOOK_SECRET", project_secret=True,
    event_header="X-GitHub-Event", delivery_header="X-GitHub-Delivery", events=tuple(HANDLERS),
    summary="GitHub deliveries (workflow_run, workflow_job, check_suite, deployment_status); "
            "X-Hub-Signature-256 is verified, X-GitHub-Delivery makes redeliveries no-ops, "
            "other events get 202")
