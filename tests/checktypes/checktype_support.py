"""The test plug-in (tests/fixtures/checktype_plugin) and plain HTTP calls to a real server:
the API with a token, Dash callbacks with a signed-in session."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from support_processes import session_cookie

PLUGIN = Path(__file__).resolve().parent.parent / "fixtures" / "checktype_plugin"


def call(base: str, method: str, path: str, body: dict | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(
        base + path, method=method, headers={"Content-Type": "application/json",
                                             **(headers or {})},
        data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def signed_in(base: str, username: str, password: str) -> dict[str, str]:
    """The Cookie header of a session signed in through the login form."""
    return {"Cookie": session_cookie(base, username, password)}


def run_callback(base: str, cookie: dict[str, str], output: str,
                 values: dict[str, object]) -> dict:
    """Call the Dash callback whose outputs include `output` ("component.property"), each
    of its inputs and states set from `values` (by "component.property"; None otherwise)."""
    call(base, "GET", "/_dash-layout", headers=cookie)  # a first request adds the router
    status, deps = call(base, "GET", "/_dash-dependencies", headers=cookie)
    assert status == 200, deps
    dep = next(d for d in deps if output in d["output"].strip(".").split("..."))

    def given(items: list[dict]) -> list[dict]:
        return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]

    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
               for part in dep["output"].strip(".").split("...")]
    status, answer = call(base, "POST", "/_dash-update-component", headers=cookie, body={
        "output": dep["output"], "outputs": outputs, "inputs": given(dep["inputs"]),
        "state": given(dep["state"]),
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"]]})
    assert status == 200, answer
    return answer["response"]


def find_component(tree: object, component_id: str) -> dict | None:
    """The first component with this id in a layout as Dash serialises it."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == component_id:
            return tree
        children = list(tree.values())
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    for child in children:
        found = find_component(child, component_id)
        if found is not None:
            return found
    return None
