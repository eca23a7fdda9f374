"""The registry finds plug-ins through the `jadugar.check_types` entry-point group, the way
an installed package declares them, and leaves out (with an error in the log) one that
cannot load or would clash: a broken plug-in must not stop the web server or collector."""

import logging
import sys
import textwrap
from importlib.metadata import EntryPoint

import pytest
from checktype_support import PLUGIN

from jadugar.checks import registry

GROUP = registry.GROUP


@pytest.fixture
def plugin_path(monkeypatch):
    """tests/fixtures/checktype_plugin on sys.path, as pip would install it."""
    monkeypatch.syspath_prepend(str(PLUGIN))
    yield
    sys.modules.pop("jadugar_dummy_check", None)


@pytest.fixture
def module(tmp_path, monkeypatch):
    """Write a plug-in module; return an entry point naming `attr` in it."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def write(name: str, source: str, point: str, attr: str = "KIND") -> EntryPoint:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        made.append(name)
        return EntryPoint(point, f"{name}:{attr}", GROUP)

    yield write
    for name in made:
        sys.modules.pop(name, None)


def test_it_finds_a_type_declared_by_an_installed_package(plugin_path):
    found = registry.discover()
    assert found["dummy"].target.label == "Status to report"
    assert list(found)[: len(registry.BUILT_IN)] == [k.name for k in registry.BUILT_IN]


def test_it_offers_the_built_in_types_alone_when_no_package_declares_one():
    assert registry.names() == sorted(k.name for k in registry.BUILT_IN)
    assert "heartbeat" not in registry.probes()


def test_it_declares_every_built_in_type_without_a_problem():
    assert {k.name: k.problems() for k in registry.BUILT_IN} == {
        k.name: [] for k in registry.BUILT_IN}


def test_it_leaves_out_a_plugin_that_fails_to_import(module, caplog):
    broken = module("broken_plugin", "raise RuntimeError('no such thing')", "broken")
    with caplog.at_level(logging.ERROR, logger=registry.__name__):
        found = registry.discover([broken])
    assert "broken" not in found and "failed to load" in caplog.text


@pytest.mark.parametrize(("point", "source", "problem"), [
    ("http", """
        from jadugar.checks.tcp import TCP
        from dataclasses import replace
        KIND = replace(TCP, name="http")""", "exists already"),
    ("ping", """
        from jadugar.checks.tcp import TCP
        KIND = TCP""", "the entry point is named 'ping' but the type 'tcp'"),
    ("ping", "KIND = object()", "not a jadugar.checks.CheckType"),
    ("ping", """
        from jadugar.checks import CheckType, Form, FormField, Target
        KIND = CheckType("ping", "x", Target("Host", "", lambda t: t), form=Form(fields=(
            FormField("address", "Address", "expect.address"),)))""",
     "form field 'address' belongs to the dns form already"),
    ("ping", """
        from jadugar.checks import CheckType, Form, FormField, Target
        KIND = CheckType("ping", "x", Target("Host", "", lambda t: t), form=Form(
            group="http", fields=(FormField("ping_count", "Count", "options.count"),)))""",
     "the form group 'http' has other fields already"),
])
def test_it_leaves_out_a_plugin_that_would_clash(module, caplog, point, source, problem):
    entry = module(f"clash_{point}", source, point)
    with caplog.at_level(logging.ERROR, logger=registry.__name__):
        found = registry.discover([entry])
    assert found["http"] is registry.BUILT_IN[0] and "ping" not in found
    assert problem in caplog.text
