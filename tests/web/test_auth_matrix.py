"""The auth matrix: every API route (from the URL map) and every server-side Dash callback
(from /_dash-dependencies), asked by everyone who can ask, each answer compared with the
policy table. Only "refused" (401/403) against "not refused" is compared: a 404 for a
sample id that does not exist still shows that authorization let the request through.

The rules the table does not repeat on each line (jadugar/policy.py's docstring) are
written out here on their own, so the test does not borrow them from the guard: the API
never serves anonymous visitors, sessions only read through the API, and tokens work on
/api only."""

from __future__ import annotations

import re

import pytest
from policy_support import add_user, body, dependencies, key_of, sign_in

from jadugar import config, policy
from jadugar.policy_map import CALLBACKS, ENDPOINTS

SESSIONS = ("viewer", "editor", "admin")
TOKENS = ("read", "ingest", "admin")
WHO = ["nobody", "anonymous", *SESSIONS, *(f"token:{s}" for s in TOKENS)]
SAMPLES = {"int": "999999", "path": "no/such/thing", "": "no-such-thing"}
PARAM = re.compile(r"<(?:(\w+):)?\w+>")


def api_routes(dash_app) -> list[tuple[str, str, str]]:
    """(method, sample URL, endpoint) of every API route, and of routes outside /api that the
    table names (/metrics)."""
    out = []
    for rule in dash_app.server.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint in ENDPOINTS:
            url = PARAM.sub(lambda m: SAMPLES.get(m.group(1) or "", "no-such-thing"), rule.rule)
            out += [(m, url, rule.endpoint) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


def expect_refused_api(who: str, action: str, method: str) -> bool | None:
    if policy.rule(action).mode == "self":
        return None  # its own credential decides (tests/webhooks, tests/api/test_check_heartbeat)
    if policy.rule(action).mode == "public":
        return False
    if who in ("nobody", "anonymous"):
        return True
    if who in SESSIONS and method != "GET":
        return True
    return not policy.allowed(who.removeprefix("token:"), action)


def expect_refused_callback(who: str, action: str) -> bool:
    if who == "nobody" or who.startswith("token:"):
        return True
    return not policy.allowed(who, action)


@pytest.fixture
def asker(request, client, engine, make_token):
    """A test client asking as `who`, with anonymous view on only for 'anonymous'."""
    who = request.param
    headers = {}
    if who in SESSIONS:
        add_user(engine, f"matrix-{who}", who)
        sign_in(client, f"matrix-{who}")
    elif who.startswith("token:"):
        headers = {"Authorization": f"Bearer {make_token(who.removeprefix('token:'))}"}
    previous = config.get()
    config.override(previous.replace(anonymous_view=who == "anonymous"))
    yield who, client, headers
    config.override(previous)


@pytest.fixture(scope="module")
def callbacks(dash_app):
    probe = dash_app.server.test_client()
    previous = config.get()
    config.override(previous.replace(anonymous_view=True))
    try:
        return dependencies(probe)
    finally:
        config.override(previous)


def test_it_names_every_api_route_in_the_table(dash_app):
    missing = sorted({e for _m, _u, e in api_routes(dash_app)} - set(ENDPOINTS))
    assert not missing, f"add these endpoints to jadugar/policy_map.py ENDPOINTS: {missing}"


def test_it_names_every_callback_in_the_table(callbacks):
    missing = sorted({key_of(d) for d in callbacks} - set(CALLBACKS))
    assert not missing, f"add these callbacks to jadugar/policy_map.py CALLBACKS: {missing}"


def test_it_names_each_callback_once(callbacks):
    keys = [key_of(d) for d in callbacks]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


def test_it_lists_no_route_or_callback_that_is_gone(dash_app, callbacks):
    assert set(ENDPOINTS) - {e for _m, _u, e in api_routes(dash_app)} == set()
    assert set(CALLBACKS) - {key_of(d) for d in callbacks} == set()


def test_it_maps_only_to_actions_in_the_table():
    unknown = {a for a in [*ENDPOINTS.values(), *CALLBACKS.values()] if a not in policy.ACTIONS}
    assert not unknown


@pytest.mark.parametrize("asker", WHO, indirect=True)
def test_it_answers_every_api_route_as_the_table_says(asker, dash_app):
    who, client, headers = asker
    wrong = []
    for method, url, endpoint in api_routes(dash_app):
        action = ENDPOINTS.get(endpoint, "unlisted")
        expected = expect_refused_api(who, action, method)
        if expected is None:
            continue
        r = client.open(url, method=method, headers=headers,
                        json={} if method in ("POST", "PUT", "PATCH") else None)
        # A CSV answer streams from an open transaction: close it, or a failing test would
        # keep it (and its locks) alive while the next fixture truncates the tables.
        r.close()
        if (r.status_code in (401, 403)) != expected:
            wrong.append(f"{method} {url} ({action}): {r.status_code}, expected "
                         f"{'refused' if expected else 'allowed'}")
    assert not wrong, f"as {who}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("asker", WHO, indirect=True)
def test_it_answers_every_callback_as_the_table_says(asker, callbacks):
    who, client, headers = asker
    wrong = []
    for dep in callbacks:
        action = CALLBACKS.get(key_of(dep), "unlisted")
        expected = expect_refused_callback(who, action)
        r = client.post("/_dash-update-component", json=body(dep), headers=headers)
        r.close()
        if (r.status_code in (401, 403)) != expected:
            wrong.append(f"{key_of(dep)} ({action}): {r.status_code}, expected "
                         f"{'refused' if expected else 'allowed'}")
    assert not wrong, f"as {who}:\n" + "\n".join(wrong)
