"""README.md documents every registered source, mapped status and generic field."""

from __future__ import annotations

from pathlib import Path

import pytest

from jadugar.services import webhooks
from jadugar.services.webhooks import github, gitlab, registry
from jadugar.services.webhooks.generic import FIELDS, STATUS_ALIASES

README = (Path(webhooks.__file__).parent / "README.md").read_text()


@pytest.mark.parametrize("name", [s.name for s in registry.BUILT_IN])
def test_it_documents_every_registered_source(name):
    source = registry.get(name)
    assert f"\n## {name}\n" in README
    assert source.name == name
    for header in (source.event_header, source.delivery_header, source.auth.header):
        assert header is None or f"`{header}`" in README


@pytest.mark.parametrize("value", sorted({*github.STATUS, *github.CONCLUSION,
                                          *github.DEPLOYMENT_STATE, *gitlab.STATUS,
                                          *STATUS_ALIASES}))
def test_it_documents_every_status_it_maps(value):
    assert f"`{value}`" in README


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_it_documents_every_generic_field(field):
    assert f"| `{field}` |" in README


@pytest.mark.parametrize("hook", sorted(gitlab.HANDLERS) + sorted(github.HANDLERS))
def test_it_documents_every_handled_event(hook):
    assert f"`{hook}`" in README


def test_it_registers_one_normaliser_per_source(payload):
    body = payload("gitlab", "pipeline.documented.json")
    assert registry.get("gitlab").normalize("Pipeline Hook", body).provider == "gitlab"
    body = {"repository": "a/b", "run_id": 1, "status": "queued"}
    assert registry.get("generic").normalize(None, body).provider == "generic"
