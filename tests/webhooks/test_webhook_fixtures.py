"""Every payload file, and every mangled variant of it, normalises or fails with a named field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jadugar.services.webhooks import BuildEvent, Ignored, WebhookPayloadError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
FILES = sorted(FIXTURES.glob("*/*.json"))
VALID = [path for path in FILES if ".invalid-" not in path.name]
INVALID = [path for path in FILES if ".invalid-" in path.name]
# What a provider might send instead of the documented value.
MANGLES: list[Any] = [None, "", "garbage", -1, 1e308, True, [], {}, [None], {"id": None}]
_DROP = object()


def _label(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_it_has_payloads_for_every_source_and_handled_event() -> None:
    names = {_label(path).split(".", 1)[0] for path in FILES}
    assert {"github/workflow_run", "github/workflow_job", "github/check_suite",
            "github/deployment_status", "github/ping", "gitlab/pipeline", "gitlab/job",
            "generic/jenkins"} <= names


@pytest.mark.parametrize("path", VALID, ids=_label)
def test_it_normalises_every_payload_file_into_the_neutral_shape(path, deliver, well_formed):
    result = deliver(path)
    assert isinstance(result, BuildEvent | Ignored)
    if isinstance(result, BuildEvent):
        well_formed(result)


@pytest.mark.parametrize("path", INVALID, ids=_label)
def test_it_names_the_field_an_invalid_payload_lacks(path, deliver):
    with pytest.raises(WebhookPayloadError) as raised:
        deliver(path)
    assert raised.value.field
    assert raised.value.status == 422
    assert raised.value.to_dict()["error"]["field"] == raised.value.field


@pytest.mark.parametrize("path", VALID, ids=_label)
def test_it_never_crashes_when_a_field_is_nulled_dropped_or_mistyped(path, deliver, well_formed):
    body = json.loads(path.read_text())
    tried = 0
    for container, key in _slots(body, depth=3):
        original = container[key]
        for mangle in [*MANGLES, _DROP]:
            if mangle is _DROP and isinstance(container, dict):
                del container[key]
            else:
                container[key] = mangle
            try:
                result = deliver(path, body)
            except WebhookPayloadError as err:
                assert err.field, f"{key!r} → {mangle!r}: error without a field"
            else:
                if isinstance(result, BuildEvent):
                    well_formed(result)
            tried += 1
            container[key] = original  # put back in place: copying every time is too slow
    assert tried


@pytest.mark.parametrize("path", VALID, ids=_label)
def test_it_refuses_a_body_that_is_not_an_object(path, deliver):
    for body in ([], "text", 42, None):
        try:
            result = deliver(path, body)
        except WebhookPayloadError as err:
            assert err.field == "body"
        else:
            assert isinstance(result, Ignored)  # ignored events never look at the body


def _slots(data: Any, depth: int) -> Iterator[tuple[Any, Any]]:
    """(container, key) for every dict key and the first item of every list, down to depth."""
    if depth == 0:
        return
    if isinstance(data, dict):
        for key in list(data):
            yield data, key
            yield from _slots(data[key], depth - 1)
    elif isinstance(data, list) and data:
        yield data, 0
        yield from _slots(data[0], depth - 1)
