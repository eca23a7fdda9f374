"""Steps the policy tests share: signing a Flask test client in, and posting a Dash callback
the way a browser (or someone forging one) would, found by its name in the policy map."""

from __future__ import annotations

import json
from typing import Any

import login_support

from jadugar import auth

CALLBACK_PATH = "/_dash-update-component"



def add_user(engine, username: str, role: str, password: str = "policy-pass-1") -> None:
    with engine.begin() as c:
        auth.create_user(c, username, role, password)


def sign_in(client, username: str, password: str = "policy-pass-1") -> None:
    r = login_support.sign_in(client, username, password)
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:300]


def dependencies(client) -> list[dict[str, Any]]:
    """The server-side callbacks, as /_dash-dependencies lists them."""
    r = client.get("/_dash-dependencies")
    assert r.status_code == 200, r.status_code
    return [d for d in r.json if not d.get("clientside_function")]


def _name(component: str) -> str:
    return "{" + json.loads(component)["type"] + "}" if component.startswith("{") else component


def key_of(dep: dict[str, Any]) -> str:
    """A callback's name in jadugar/policy_map.py: first output <- first input, without the
    `@hash` of duplicate outputs; a pattern id shows as {its type}."""
    component, _, prop = dep["output"].strip(".").split("...")[0].split("@")[0].rpartition(".")
    return f"{_name(component)}.{prop} <- {_name(dep['inputs'][0]['id'])}"


def find(deps: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(d for d in deps if key_of(d) == key)


def _is_pattern(component: str) -> bool:
    return component.startswith("{") and '["ALL"]' in component


def _output(part: str) -> Any:
    component, _, prop = part.split("@")[0].rpartition(".")
    return [] if _is_pattern(component) else {"id": component, "property": prop}


def _slot(entry: dict[str, Any], values: dict[str, Any], clicked: dict[str, Any]) -> Any:
    if _is_pattern(entry["id"]):
        kind = json.loads(entry["id"])["type"]
        return [{"id": {**json.loads(entry["id"]), **ids}, "property": entry["property"],
                 "value": 1} for t, ids in clicked.items() if t == kind]
    return {**entry, "value": values.get(entry["id"])}


def body(dep: dict[str, Any], values: dict[str, Any] | None = None,
         clicked: dict[str, dict[str, Any]] | None = None,
         changed: list[str] | None = None) -> dict[str, Any]:
    """A /_dash-update-component request for `dep`: component id -> value for inputs and
    state; `clicked` presses pattern-matching buttons, {type: {its other id keys}}."""
    values, clicked = values or {}, clicked or {}
    parts = dep["output"].strip(".").split("...")
    return {"output": dep["output"],
            "outputs": [_output(p) for p in parts] if len(parts) > 1 else _output(parts[0]),
            "inputs": [_slot(i, values, clicked) for i in dep["inputs"]],
            "state": [_slot(s, values, clicked) for s in dep["state"]],
            "changedPropIds": changed or []}


def post(client, deps: list[dict[str, Any]], key: str, values: dict[str, Any] | None = None,
         clicked: dict[str, dict[str, Any]] | None = None):
    """Post the callback named `key` (policy_map.CALLBACKS) as if its first input had just
    changed (a click: the value 1), and return the response."""
    dep = find(deps, key)
    values = dict(values or {})
    changed = []
    for kind, ids in (clicked or {}).items():
        full = dict(sorted({"type": kind, **ids}.items()))
        changed.append(json.dumps(full, separators=(",", ":")) + ".n_clicks")
    first = dep["inputs"][0]
    if not clicked and not _is_pattern(first["id"]):
        values.setdefault(first["id"], 1)
        changed.append(f"{first['id']}.{first['property']}")
    return client.post(CALLBACK_PATH, json=body(dep, values, clicked, changed))
