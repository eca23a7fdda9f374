"""The generic webhook: one JSON shape for Jenkins, a shell script or any CI we do not know.

Unlike GitHub and GitLab, this shape is ours, so validation is strict: a wrong field is
the sender's bug, and WebhookPayloadError names it (422, e.g. field "stages[2].name").
Unknown keys are ignored, so a sender may add fields before we read them. FIELDS below
is the reference (README.md repeats it, and a test keeps the two in step).

Times are ISO 8601 or Unix seconds (milliseconds above 10^11, as Jenkins gives them).
`run_id` is used as the external id as given, so a re-sent run updates the same build.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from jadugar.services.webhooks.cisource import CISource, ingest_token, repository_at
from jadugar.services.webhooks.errors import WebhookPayloadError
from jadugar.services.webhooks.events import (
    KINDS,
    STATUSES,
    BuildEvent,
    StageEvent,
    derive_progress,
)
from jadugar.services.webhooks.fields import MESSAGE_LIMIT, require_object
from jadugar.services.webhooks.times import parse_time

FIELDS: dict[str, str] = {
    "repository": "required; string such as 'team/app'; builds are filed under it",
    "run_id": "required; string or integer, stable and unique within the repository",
    "status": "required; one of " + ", ".join(STATUSES) + " (or an alias below)",
    "branch": "string",
    "commit": "hexadecimal commit id, 4 to 64 digits",
    "commit_at": "time of the commit; lead time for changes runs from it",
    "number": "integer >= 0, the run number people see",
    "pipeline": "string, the workflow or job name",
    "trigger": "string such as push, pull_request, schedule, manual; rollback marks a "
               "deploy that rolls back",
    "kind": "build (default) or deploy",
    "environment": "string such as production",
    "started_at": "time",
    "finished_at": "time, not before started_at",
    "url": "http(s) link to the run",
    "message": "string, usually the commit message",
    "progress": "number 0 to 100; derived from stages when left out",
    "project_name": "string; name of the project created on first sight",
    "repository_url": "http(s) link to the repository",
    "stages": "list of {id, name, status, started_at?, finished_at?, url?}, in run order",
}
# Spellings other CIs use; Jenkins reports SUCCESS, UNSTABLE, FAILURE, ABORTED, NOT_BUILT.
STATUS_ALIASES = {
    "canceled": "cancelled", "aborted": "cancelled",
    "failure": "failed", "unstable": "failed", "error": "failed",
    "not_built": "skipped",
    "pending": "queued", "in_progress": "running", "passed": "success",
}
MAX_STAGES = 500
_LIMIT = 255
_COMMIT = re.compile(r"[0-9a-f]{4,64}")


def normalize(payload: Any) -> BuildEvent:
    body = require_object(payload)
    repository = _required(body.get("repository"), "repository")
    run_id = _identifier(body.get("run_id"), "run_id")
    status = _status(body.get("status"), "status")
    stages = _stages(body.get("stages"))
    started, finished = _span(body, "")
    progress = _progress(body.get("progress"))
    return BuildEvent(
        provider="generic",
        repository=repository,
        repository_url=_url(body.get("repository_url"), "repository_url"),
        project_name=_string(body.get("project_name"), "project_name")
        or repository.rsplit("/", 1)[-1],
        external_id=run_id,
        status=status,
        number=_number(body.get("number"), "number"),
        branch=_string(body.get("branch"), "branch"),
        commit_sha=_commit(body.get("commit")),
        commit_at=parse_time(body.get("commit_at"), "commit_at"),
        pipeline=_string(body.get("pipeline"), "pipeline"),
        trigger=_string(body.get("trigger"), "trigger"),
        kind=_kind(body.get("kind")),
        environment=_string(body.get("environment"), "environment"),
        started_at=started,
        finished_at=finished,
        url=_url(body.get("url"), "url"),
        message=_string(body.get("message"), "message", limit=MESSAGE_LIMIT),
        progress=derive_progress(status, stages) if progress is None else progress,
        stages=stages,
    )


def _stages(value: Any) -> list[StageEvent]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise WebhookPayloadError("stages must be a list", field="stages")
    if len(value) > MAX_STAGES:
        raise WebhookPayloadError(f"stages has more than {MAX_STAGES} items", field="stages")
    stages: list[StageEvent] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(value):
        at = f"stages[{position}]"
        if not isinstance(item, dict):
            raise WebhookPayloadError(f"{at} must be an object", field=at)
        stage_id = _identifier(item.get("id"), f"{at}.id")
        # One stage row per id: a repeat would make the upsert touch a row twice.
        if stage_id in seen:
            raise WebhookPayloadError(
                f"{at}.id repeats stages[{seen[stage_id]}].id", field=f"{at}.id")
        seen[stage_id] = position
        started, finished = _span(item, f"{at}.")
        stages.append(StageEvent(
            external_id=stage_id,
            name=_required(item.get("name"), f"{at}.name"),
            status=_status(item.get("status"), f"{at}.status"),
            started_at=started,
            finished_at=finished,
            url=_url(item.get("url"), f"{at}.url"),
            position=position,
        ))
    return stages


def _span(body: dict[str, Any], prefix: str) -> tuple[datetime | None, datetime | None]:
    started = parse_time(body.get("started_at"), f"{prefix}started_at")
    finished = parse_time(body.get("finished_at"), f"{prefix}finished_at")
    # A negative span would become a negative duration in every chart.
    if started and finished and finished < started:
        raise WebhookPayloadError(f"{prefix}finished_at is before {prefix}started_at",
                                  field=f"{prefix}finished_at")
    return started, finished


def _string(value: Any, field: str, limit: int = _LIMIT) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise WebhookPayloadError(f"{field} must be a string", field=field)
    if len(value.strip()) > limit:
        raise WebhookPayloadError(f"{field} must be at most {limit} characters", field=field)
    return value.strip() or None


def _required(value: Any, field: str) -> str:
    found = _string(value, field)
    if found is None:
        raise WebhookPayloadError(f"{field} is required", field=field)
    return found


def _identifier(value: Any, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is not None and not isinstance(value, str):
        raise WebhookPayloadError(f"{field} must be a string or an integer", field=field)
    return _required(value, field)


def _status(value: Any, field: str) -> str:
    if value is None or value == "":
        raise WebhookPayloadError(f"{field} is required", field=field)
    key = value.strip().lower() if isinstance(value, str) else None
    status = STATUS_ALIASES.get(key or "", key)
    if status not in STATUSES:
        raise WebhookPayloadError(
            f"{field} must be one of {', '.join(STATUSES)}, not {value!r}"[:300], field=field)
    return status


def _kind(value: Any) -> str:
    if value is None:
        return "build"
    if not isinstance(value, str) or value not in KINDS:
        raise WebhookPayloadError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    return value


def _number(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 10:
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise WebhookPayloadError(f"{field} must be an integer from 0", field=field)
    return value


def _progress(value: Any) -> int | None:
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not 0 <= value <= 100):
        raise WebhookPayloadError("progress must be a number from 0 to 100", field="progress")
    return round(value)


def _commit(value: Any) -> str | None:
    commit = _string(value, "commit", limit=64)
    if commit is None:
        return None
    if not _COMMIT.fullmatch(commit.lower()):
        raise WebhookPayloadError("commit must be a hexadecimal commit id", field="commit")
    return commit.lower()


def _url(value: Any, field: str) -> str | None:
    link = _string(value, field, limit=2000)
    # The UI renders it as a link; only http(s) may get there.
    if link is not None and not link.lower().startswith(("http://", "https://")):
        raise WebhookPayloadError(f"{field} must be an http(s) URL", field=field)
    return link


def _normalize(_event: str | None, payload: Any) -> BuildEvent:
    return normalize(payload)  # the body carries everything; there are no events


_STRING = {"type": "string"}
BODY_SCHEMA = {"type": "object", "required": ["repository", "run_id", "status"], "properties": {
    "repository": _STRING, "run_id": _STRING, "status": _STRING, "branch": _STRING,
    "commit": _STRING, "commit_at": _STRING, "number": {"type": "integer"},
    "pipeline": _STRING, "trigger": _STRING,
    "kind": {"type": "string", "enum": list(KINDS)}, "environment": _STRING,
    "started_at": _STRING, "finished_at": _STRING, "url": _STRING,
    "progress": {"type": "number"}, "stages": {"type": "array", "items": {
        "type": "object", "required": ["id", "name", "status"]}}}}

# Authenticated like the rest of the API, with an ingest token; or with a shared token
# when JADUGAR_GENERIC_WEBHOOK_TOKEN is set. No per-project secret.
SOURCE = CISource(
    name="generic", title="Generic", auth=ingest_token("X-Jadugar-Token"),
    normalize=_normalize, find_repository=repository_at("repository"),
    setting="JADUGAR_GENERIC_WEBHOOK_TOKEN",
    summary="Jenkins or any script: the generic JSON shape (see the README); an ingest "
            "Bearer token or X-Jadugar-Token", body_schema=BODY_SCHEMA)
