"""The neutral shape every webhook source is normalised into.

The database side only ever sees these classes, so adding a CI provider never touches it.
All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

STATUSES = ("queued", "running", "success", "failed", "cancelled", "skipped")
# A build in one of these will not change again unless it is re-run.
FINISHED = frozenset({"success", "failed", "cancelled", "skipped"})
KINDS = ("build", "deploy")


@dataclass(frozen=True)
class StageEvent:
    """One job of a run, as the provider reported it at delivery time."""

    external_id: str
    name: str
    status: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    url: str | None = None
    position: int = 0


@dataclass(frozen=True)
class BuildEvent:
    """One run (GitHub workflow run / check suite / deployment, GitLab pipeline, generic run).

    `status` is None when the delivery does not say how the run as a whole stands: a job
    event (GitHub workflow_job, GitLab Job Hook) carries only its own job, and a provider
    can report "completed" without a conclusion. The upsert then keeps what it had.
    `stages` lists only the jobs this delivery carries; for job events that is one job,
    not the full run, so missing stages must not be read as deleted.
    Any other None means "not in this delivery", not "cleared": keep the stored value.
    """

    provider: str
    repository: str
    repository_url: str | None
    project_name: str
    external_id: str
    status: str | None
    number: int | None = None
    branch: str | None = None
    commit_sha: str | None = None
    commit_at: datetime | None = None
    pipeline: str | None = None
    trigger: str | None = None
    kind: str = "build"
    environment: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    url: str | None = None
    message: str | None = None
    progress: int | None = None
    stages: list[StageEvent] = field(default_factory=list)
    # Which run of the build this is, when the provider re-runs under the same id (GitHub's
    # run_attempt). A higher attempt than stored restarts the build; None = not said.
    attempt: int | None = None


@dataclass(frozen=True)
class Ignored:
    """A well-formed delivery we choose not to track; the API answers 202 with the reason."""

    reason: str


def derive_progress(status: str | None, stages: Iterable[StageEvent]) -> int | None:
    """Percent done: 100 once finished, else finished jobs over all jobs, else unknown.

    Only call this with the complete job list of a run; one job says nothing about the run.
    """
    if status in FINISHED:
        return 100
    jobs = list(stages)
    if not jobs:
        return None
    done = sum(1 for job in jobs if job.status in FINISHED)
    return round(100 * done / len(jobs))
