"""A check type from a package of its own is offered end to end with no other change: real
`jadugar serve` and `jadugar collect` processes, with tests/fixtures/checktype_plugin on
their path (a module, and a .dist-info folder whose entry_points.txt names it under
`jadugar.check_types`: all importlib.metadata needs), accept it in the API, list it in the
OpenAPI document and the Settings form, mask its secret, and probe it."""

import os
import time
from collections.abc import Iterator

import pytest
from checktype_support import PLUGIN, call, find_component, run_callback, signed_in
from sqlalchemy import text
from support_processes import process_env, serving, start_process, stop_process

from jadugar import auth

pytestmark = pytest.mark.slow
CHECK = {"name": "echo", "type": "dummy", "target": "degraded", "interval_s": 5,
         "options": {"say": "hello", "password": "open-sesame"}}


@pytest.fixture(scope="module")
def plugin_env(database_url, tmp_path_factory) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(PLUGIN), os.environ.get("PYTHONPATH")) if p)
    return process_env(database_url, tmp_path_factory.mktemp("plugin"), PYTHONPATH=path)


@pytest.fixture(scope="module")
def server(plugin_env, tmp_path_factory) -> Iterator[str]:
    with serving(plugin_env, tmp_path_factory.mktemp("serve")) as base:
        yield base


@pytest.fixture
def admin(engine, server, clean_db) -> dict[str, str]:
    with engine.begin() as c:
        token = auth.create_token(c, "plug-in test", "admin")[1]
        auth.create_user(c, "alice", "admin", "correct horse")
    return {"Authorization": f"Bearer {token}"}


def test_it_accepts_a_plugin_type_in_the_api_and_refuses_its_bad_fields(server, admin):
    api = server + "/api/v1"
    assert call(api, "POST", "/applications", {"slug": "plug", "name": "Plug"}, admin)[0] == 201
    status, made = call(api, "POST", "/applications/plug/checks", CHECK, admin)
    assert status == 201, made
    assert made["type"] == "dummy" and made["options"]["password"] == "***"
    status, err = call(api, "POST", "/applications/plug/checks",
                       {**CHECK, "name": "bad", "target": "sideways"}, admin)
    assert status == 422 and err["error"]["field"] == "target", err
    assert "up, degraded, down" in err["error"]["message"]
    status, err = call(api, "POST", "/applications/plug/checks",
                       {**CHECK, "name": "bad", "options": {"say": 3}}, admin)
    assert status == 422 and err["error"]["field"] == "options.say", err


def test_it_lists_a_plugin_type_in_the_openapi_document(server, clean_db):
    doc = call(server, "GET", "/api/v1/openapi.json")[1]
    schemas = doc["components"]["schemas"]
    for name in ("Check", "CheckInput"):
        assert "dummy" in schemas[name]["properties"]["type"]["enum"]
    options = schemas["CheckOptions.dummy"]["properties"]
    assert options["say"]["description"] == "Echoed into the result's details."


def test_it_offers_a_plugin_type_in_the_settings_form(server, admin):
    cookie = signed_in(server, "alice", "correct horse")
    page = run_callback(server, cookie, "_pages_content.children", {
        "_pages_location.pathname": "/settings", "_pages_location.search": "?tab=set-checks"})
    kinds = find_component(page, "set-checks-type")
    assert kinds is not None and "dummy" in kinds["props"]["options"]
    shown = run_callback(server, cookie, "set-checks-target-label.children",
                         {"set-checks-type.value": "dummy"})
    assert shown["set-checks-target-label"]["children"] == "Status to report"


def test_it_probes_a_plugin_type_in_the_collector(server, admin, engine, plugin_env,
                                                  tmp_path):
    api = server + "/api/v1"
    call(api, "POST", "/applications", {"slug": "plug", "name": "Plug"}, admin)
    check_id = call(api, "POST", "/applications/plug/checks", CHECK, admin)[1]["id"]
    with engine.begin() as c:
        c.execute(text("update health_checks set next_run_at = now()"))
    proc = start_process(["collect"], plugin_env, tmp_path / "collect.log")
    try:
        row = _first_result(engine, check_id, proc, tmp_path / "collect.log")
    finally:
        stop_process(proc)
    assert row.status == "degraded" and row.response_ms == 1.0
    assert row.details == {"said": "hello", "password_unsealed": True}


def _first_result(engine, check_id: int, proc, log, timeout_s: float = 30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        with engine.connect() as c:
            row = c.execute(text("select status, response_ms, details from history "
                                 "where check_id = :c"), {"c": check_id}).first()
        if row is not None:
            return row
        time.sleep(0.2)
    raise AssertionError(f"no result in {timeout_s} s:\n{log.read_text()[-3000:]}")
