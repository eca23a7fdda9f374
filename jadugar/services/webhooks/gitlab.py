"""GitLab webhooks (X-Gitlab-Event) → BuildEvent | Ignored.

  hook             what it is                    external_id
  Pipeline Hook    a pipeline with all its jobs  gl-pipeline-<object_attributes.id>
  Job Hook         one job; status None          gl-pipeline-<pipeline_id>, stage gl-job-<build_id>
  Deployment Hook  a deployment; kind 'deploy'   gl-deployment-<deployment_id>
Every other hook is Ignored. Without the header (or with "System Hook") the payload's
object_kind decides, since GitLab payloads name their own kind.

Errors follow github.py: lenient reading; WebhookPayloadError only when
project.path_with_namespace or the pipeline/job/deployment id is missing.

Statuses: created, waiting_for_resource, preparing, pending, scheduled, blocked → queued;
running, waiting_for_callback → running; success; failed; canceled, canceling → cancelled;
skipped. manual → queued, not skipped: a manual job can still be played, while skipped is
final. Jobs with a status we cannot map are left out of a pipeline's stages, and a Job Hook
for one is Ignored, so one new GitLab status never loses a whole delivery.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jadugar.services.webhooks.cisource import CISource, repository_at, token
from jadugar.services.webhooks.errors import WebhookPayloadError
from jadugar.services.webhooks.events import (
    FINISHED,
    BuildEvent,
    Ignored,
    StageEvent,
    derive_progress,
)
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
    "created": "queued", "waiting_for_resource": "queued", "preparing": "queued",
    "pending": "queued", "scheduled": "queued", "blocked": "queued", "manual": "queued",
    "running": "running", "waiting_for_callback": "running",
    "success": "success",
    "failed": "failed",
    "canceled": "cancelled", "canceling": "cancelled",
    "skipped": "skipped",
}
OBJECT_KINDS = {"pipeline": "Pipeline Hook", "build": "Job Hook", "deployment": "Deployment Hook"}
_SHA = re.compile(r"[0-9a-f]{40}")


def normalize(event_header: str | None, payload: Any) -> BuildEvent | Ignored:
    hook = (event_header or "").strip()
    if hook in ("", "System Hook"):
        hook = OBJECT_KINDS.get(text(dig(payload, "object_kind")) or "", hook)
    if not hook:
        raise WebhookPayloadError("the X-Gitlab-Event header is required", field="X-Gitlab-Event")
    handler = HANDLERS.get(hook)
    if handler is None:
        return Ignored(f"event {hook[:100]} is not handled")
    return handler(require_object(payload))


def _project(body: dict[str, Any]) -> dict[str, Any]:
    path = required(dig(body, "project", "path_with_namespace"), "project.path_with_namespace")
    return {
        "provider": "gitlab",
        "repository": path,
        "repository_url": web_url(dig(body, "project", "web_url")),
        "project_name": text(dig(body, "project", "name")) or path.rsplit("/", 1)[-1],
    }


def _pipeline(body: dict[str, Any]) -> BuildEvent:
    project = _project(body)
    attrs = body.get("object_attributes")
    pipeline_id = required(dig(attrs, "id"), "object_attributes.id")
    status = STATUS.get(text(dig(attrs, "status")) or "")
    stages = _stages(body.get("builds"), dig(attrs, "stages"), project["repository_url"])
    # The hook has no pipeline start; the first job start is it, else creation once running.
    first_start = min((s.started_at for s in stages if s.started_at), default=None)
    created = time_or_none(dig(attrs, "created_at"))
    repo_url = project["repository_url"]
    return BuildEvent(
        **project, external_id=f"gl-pipeline-{pipeline_id}", status=status,
        number=integer(dig(attrs, "iid")),
        branch=text(dig(attrs, "ref")),
        commit_sha=text(dig(attrs, "sha")) or text(dig(body, "commit", "id")),
        commit_at=time_or_none(dig(body, "commit", "timestamp")),
        pipeline=text(dig(attrs, "name")),
        trigger=text(dig(attrs, "source")),
        started_at=first_start or (None if status == "queued" else created),
        finished_at=time_or_none(dig(attrs, "finished_at")) if status in FINISHED else None,
        url=web_url(dig(attrs, "url")) or (
            f"{repo_url}/-/pipelines/{pipeline_id}" if repo_url else None),
        message=message(dig(body, "commit", "message")),
        progress=derive_progress(status, stages),
        stages=stages,
    )


def _stages(builds: Any, stage_order: Any, repo_url: str | None) -> list[StageEvent]:
    """Jobs in pipeline order (stage, then id); GitLab sends them newest first."""
    if not isinstance(builds, list):
        return []
    order = [text(name) for name in stage_order] if isinstance(stage_order, list) else []
    # Keyed by id so a repeated job cannot make the upsert touch one row twice.
    jobs = {text(job.get("id")): job for job in builds if isinstance(job, dict)}
    jobs.pop(None, None)

    def rank(job: dict[str, Any]) -> tuple[int, int]:
        stage = text(job.get("stage"))
        return (order.index(stage) if stage in order else len(order),
                integer(job.get("id")) or 0)

    ranked = sorted(jobs.values(), key=rank)
    found = (_stage(job, repo_url, position) for position, job in enumerate(ranked))
    return [stage for stage in found if stage is not None]


def _stage(job: dict[str, Any], repo_url: str | None, position: int) -> StageEvent | None:
    job_id = text(job.get("id"))
    status = STATUS.get(text(job.get("status")) or "")
    if job_id is None or status is None:
        return None
    return StageEvent(
        external_id=f"gl-job-{job_id}",
        name=text(job.get("name")) or f"job {job_id}",
        status=status,
        started_at=time_or_none(job.get("started_at")),
        finished_at=time_or_none(job.get("finished_at")),
        url=f"{repo_url}/-/jobs/{job_id}" if repo_url else None,
        position=position,
    )


def _job(body: dict[str, Any]) -> BuildEvent | Ignored:
    project = _project(body)
    pipeline_id = required(body.get("pipeline_id"), "pipeline_id")
    job_id = required(body.get("build_id"), "build_id")
    status = STATUS.get(text(body.get("build_status")) or "")
    if status is None:
        return Ignored(f"job {job_id} has no status we can map")
    repo_url = project["repository_url"]
    stage = StageEvent(
        external_id=f"gl-job-{job_id}",
        name=text(body.get("build_name")) or f"job {job_id}",
        status=status,
        # The *_iso twins are exact ISO 8601; older GitLab sends only the plain ones.
        started_at=time_or_none(body.get("build_started_at_iso"))
        or time_or_none(body.get("build_started_at")),
        finished_at=time_or_none(body.get("build_finished_at_iso"))
        or time_or_none(body.get("build_finished_at")),
        url=f"{repo_url}/-/jobs/{job_id}" if repo_url else None,
    )
    return BuildEvent(
        **project, external_id=f"gl-pipeline-{pipeline_id}", status=None,
        branch=text(body.get("ref")),
        commit_sha=text(body.get("sha")) or text(dig(body, "commit", "sha")),
        pipeline=text(dig(body, "commit", "name")),
        environment=text(dig(body, "environment", "name")),
        url=f"{repo_url}/-/pipelines/{pipeline_id}" if repo_url else None,
        message=message(dig(body, "commit", "message")),
        stages=[stage],
    )


def _deployment(body: dict[str, Any]) -> BuildEvent:
    project = _project(body)
    deployment_id = required(body.get("deployment_id"), "deployment_id")
    status = STATUS.get(text(body.get("status")) or "")
    changed = time_or_none(body.get("status_changed_at"))
    return BuildEvent(
        **project, external_id=f"gl-deployment-{deployment_id}", status=status,
        branch=text(body.get("ref")),
        commit_sha=_commit_from_url(body.get("commit_url")) or text(body.get("short_sha")),
        kind="deploy",
        environment=text(body.get("environment")),
        # Each delivery stamps one transition: the start when running, the end when finished.
        started_at=changed if status == "running" else None,
        finished_at=changed if status in FINISHED else None,
        url=web_url(body.get("deployable_url")),
        message=message(body.get("commit_title")),
        progress=100 if status in FINISHED else None,
    )


def _commit_from_url(url: Any) -> str | None:
    """The deployment hook carries the full SHA only at the end of commit_url."""
    tail = (text(url, limit=2000) or "").rstrip("/").rsplit("/", 1)[-1]
    return tail if _SHA.fullmatch(tail) else None


HANDLERS: dict[str, Callable[[dict[str, Any]], BuildEvent | Ignored]] = {
    "Pipeline Hook": _pipeline,
    "Job Hook": _job,
    "Deployment Hook": _deployment,
}

SOURCE = CISource(
    name="gitlab", title="GitLab", auth=token("X-Gitlab-Token"),
    normalize=normalize, find_repository=repository_at("project", "path_with_namespace"),
    setting="JADUGAR_GITLAB_WEBHOOK_TOKEN", project_secret=True, secret_name="token",
    event_header="X-Gitlab-Event", delivery_header="X-Gitlab-Event-UUID",
    events=tuple(HANDLERS),
    summary="GitLab Pipeline, Job and Deployment hooks; X-Gitlab-Token is verified")
