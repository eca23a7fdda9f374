"""The registry finds CI sources through the `jadugar.ci_sources` entry-point group, the way
an installed package declares them, and leaves out (with an error in the log) one that
cannot load or would clash: a broken plug-in must not stop the web server."""

import logging
import sys
import textwrap
from importlib.metadata import EntryPoint

import pytest
from cisource_support import PLUGIN

from jadugar.services.webhooks import registry

GROUP = registry.GROUP


@pytest.fixture
def plugin_path(monkeypatch):
    """tests/fixtures/cisource_plugin on sys.path, as pip would install it."""
    monkeypatch.syspath_prepend(str(PLUGIN))
    yield
    sys.modules.pop("jadugar_dummy_ci", None)


@pytest.fixture
def module(tmp_path, monkeypatch):
    """Write a plug-in module; return an entry point naming `SOURCE` in it."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def write(name: str, source: str, point: str) -> EntryPoint:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        made.append(name)
        return EntryPoint(point, f"{name}:SOURCE", GROUP)

    yield write
    for name in made:
        sys.modules.pop(name, None)


def test_it_finds_a_source_declared_by_an_installed_package(plugin_path):
    found = registry.discover()
    assert found["dummy"].title == "Dummy CI"
    assert list(found) == ["github", "gitlab", "generic", "dummy"]


def test_it_offers_the_built_in_sources_alone_when_no_package_declares_one():
    assert registry.names() == ["github", "gitlab", "generic"]
    assert [s.name for s in registry.with_project_secret()] == ["github", "gitlab"]


def test_it_declares_every_built_in_source_without_a_problem():
    assert {s.name: s.problems() for s in registry.BUILT_IN} == {
        s.name: [] for s in registry.BUILT_IN}


def test_it_names_routes_fields_and_flags_after_the_source():
    github, gitlab = registry.get("github"), registry.get("gitlab")
    assert (github.path, github.secret_field, github.secret_flag) == (
        "/webhooks/github", "github_webhook_secret", "has_github_secret")
    assert (gitlab.path, gitlab.secret_field, gitlab.secret_flag) == (
        "/webhooks/gitlab", "gitlab_webhook_token", "has_gitlab_token")
    assert github.setting == "JADUGAR_GITHUB_WEBHOOK_SECRET"
    assert registry.get("generic").setting == "JADUGAR_GENERIC_WEBHOOK_TOKEN"


def test_it_leaves_out_a_plugin_that_fails_to_import(module, caplog):
    broken = module("broken_ci", "raise RuntimeError('no such thing')", "broken")
    with caplog.at_level(logging.ERROR, logger=registry.__name__):
        found = registry.discover([broken])
    assert "broken" not in found and "failed to load" in caplog.text


DUMMY = """
    from dataclasses import replace
    from jadugar_dummy_ci import SOURCE as DUMMY
    SOURCE = replace(DUMMY, {changes})
"""


@pytest.mark.parametrize(("point", "changes", "problem"), [
    ("github", "name='github'", "the source 'github' exists already"),
    ("drone", "name='dummy'", "the entry point is named 'drone' but the source 'dummy'"),
    ("Drone CI", "name='Drone CI'", "name 'Drone CI' is not 1-40 of a-z"),
    ("api", "name='api'", "name 'api' is reserved"),
    ("dummy", "setting='JADUGAR_DUMMY_SECRET'", "'JADUGAR_DUMMY_SECRET' is not a Jadugar setting"),
    ("dummy", "project_secret=False", "nothing can authenticate"),
    ("dummy", "auth='hmac'", "auth must be signature(), token() or ingest_token()"),
    ("dummy", "normalize=None", "normalize is not callable"),
    ("github_x", "name='github_x', secret_name='a b'", "secret_name 'a b'"),
])
def test_it_leaves_out_a_plugin_that_would_not_work_or_would_clash(
        plugin_path, module, caplog, point, changes, problem):
    entry = module("changed_dummy", DUMMY.format(changes=changes), point)
    with caplog.at_level(logging.ERROR, logger=registry.__name__):
        found = registry.discover([entry])
    assert list(found.values()) == list(registry.BUILT_IN)
    assert problem in caplog.text


def test_it_refuses_an_ingest_source_with_a_project_secret(plugin_path, module, caplog):
    entry = module("ingest_ci", """
        from dataclasses import replace
        from jadugar.services.webhooks import ingest_token
        from jadugar_dummy_ci import SOURCE as DUMMY
        SOURCE = replace(DUMMY, auth=ingest_token())""", "dummy")
    with caplog.at_level(logging.ERROR, logger=registry.__name__):
        assert "dummy" not in registry.discover([entry])
    assert "an ingest-token source has no per-project secret" in caplog.text


def test_it_refuses_what_is_not_a_source(module, caplog):
    entry = module("not_a_source", "SOURCE = object()", "thing")
    with caplog.at_level(logging.ERROR, logger=registry.__name__):
        assert "thing" not in registry.discover([entry])
    assert "not a jadugar.services.webhooks.CISource" in caplog.text


def test_it_takes_the_same_package_seen_twice_once(plugin_path, caplog):
    point = EntryPoint("dummy", "jadugar_dummy_ci:SOURCE", GROUP)
    with caplog.at_level(logging.ERROR, logger=registry.__name__):
        found = registry.discover([point, point])
    assert found["dummy"].name == "dummy" and not caplog.text
