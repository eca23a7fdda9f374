"""Fixtures for the webhook tests: payload files, delivery, and the shape every event must have.

Test modules glob the payload files themselves (parametrize needs them at import time) and
reach everything else through these fixtures, never by importing this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from jadugar.services.webhooks import (
    KINDS,
    STATUSES,
    BuildEvent,
    Ignored,
    normalize_generic,
    normalize_github,
    normalize_gitlab,
    registry,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
_FROM_FILE = object()
GITLAB_HOOKS = {
    "pipeline": "Pipeline Hook", "job": "Job Hook",
    "deployment": "Deployment Hook", "push": "Push Hook",
}


def read_payload(path: Path) -> Any:
    return json.loads(path.read_text())


def deliver_as(path: Path, body: Any) -> BuildEvent | Ignored:
    """Normalise `body` the way the payload file at `path` arrives (its name gives the event)."""
    event = path.name.split(".", 1)[0]
    if path.parent.name == "github":
        return normalize_github(event, body)
    if path.parent.name == "gitlab":
        return normalize_gitlab(GITLAB_HOOKS[event], body)
    return normalize_generic(body)


def check_well_formed(event: BuildEvent) -> None:
    assert event.provider in registry.names()
    assert event.repository and event.project_name and event.external_id
    assert event.status is None or event.status in STATUSES
    assert event.kind in KINDS
    assert event.progress is None or 0 <= event.progress <= 100
    assert event.number is None or isinstance(event.number, int)
    for moment in (event.commit_at, event.started_at, event.finished_at):
        _check_utc(moment)
    _check_url(event.url)
    _check_url(event.repository_url)
    ids = [stage.external_id for stage in event.stages]
    assert len(ids) == len(set(ids)), "a stage id repeats"
    for stage in event.stages:
        assert stage.external_id and stage.name
        assert stage.status in STATUSES
        _check_utc(stage.started_at)
        _check_utc(stage.finished_at)
        _check_url(stage.url)


def _check_utc(moment: datetime | None) -> None:
    assert moment is None or moment.utcoffset() == timedelta(0)


def _check_url(url: str | None) -> None:
    assert url is None or url.startswith(("http://", "https://"))


@pytest.fixture
def well_formed() -> Callable[[BuildEvent], None]:
    return check_well_formed


@pytest.fixture
def payload() -> Callable[[str, str], Any]:
    """payload("gitlab", "pipeline.documented.json") → a fresh parsed copy."""
    return lambda provider, name: read_payload(FIXTURES / provider / name)


@pytest.fixture
def deliver() -> Callable[..., BuildEvent | Ignored]:
    """deliver(path) normalises the file; deliver(path, body) sends `body` as that event."""

    def _deliver(path: Path, body: Any = _FROM_FILE) -> BuildEvent | Ignored:
        return deliver_as(path, read_payload(path) if body is _FROM_FILE else body)

    return _deliver
