"""Finding 14 (and 7): the Settings check Edit form sent target passwords, auth headers and
bodies in plain text. Admins get `***` too; saving the form as shown keeps the secrets, and
a value typed over a mask replaces it. Through the real Dash callback routes."""

import json

from sqlalchemy import text

from jadugar.services import applications, checks
from jadugar.services import check_credentials as credentials
from jadugar.ui import settings_check_form as form

P = "set-checks"


def _dep(client, output_part: str, trigger: str) -> dict:
    def fires_on(input_id: str) -> bool:
        # Pattern-matching ids arrive as JSON text: {"key":["ALL"],"type":"set-checks-edit"}
        parsed = json.loads(input_id) if input_id.startswith("{") else {"type": input_id}
        return parsed["type"] == trigger

    return next(d for d in client.get("/_dash-dependencies").json
                if output_part in d["output"] and any(fires_on(i["id"]) for i in d["inputs"]))


def _outputs(dep: dict) -> list[dict]:
    return [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
            for part in dep["output"].strip(".").split("...")]


def _open_editor(client, check_id: int) -> dict:
    dep = _dep(client, f"{P}-name.value", f"{P}-edit")
    trigger = {"type": f"{P}-edit", "key": str(check_id)}
    r = client.post("/_dash-update-component", json={
        "output": dep["output"], "outputs": _outputs(dep),
        "inputs": [[{"id": trigger, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(trigger, separators=(",", ":"), sort_keys=True)
                           + ".n_clicks"]})
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert "pw-" not in r.get_data(as_text=True)
    return {k.removeprefix(f"{P}-"): v.get("value") for k, v in r.json["response"].items()}


def _save(client, values: dict, check_id: int) -> str:
    dep = _dep(client, f"{P}-changed.data", f"{P}-save")
    states = {**values, "editing": check_id, "changed": 0}
    r = client.post("/_dash-update-component", json={
        "output": dep["output"], "outputs": _outputs(dep),
        "inputs": [{"id": f"{P}-save", "property": "n_clicks", "value": 1}],
        "state": [{**s, "value": states.get(s["id"].removeprefix(f"{P}-"))}
                  for s in dep["state"]],
        "changedPropIds": [f"{P}-save.n_clicks"]})
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    return r.get_data(as_text=True)


def _stored(engine, check_id: int) -> tuple[str, dict]:
    with engine.connect() as c:
        row = c.execute(text("select target, options, credentials from health_checks "
                             "where id = :id"), {"id": check_id}).one()
    return credentials.unseal(row.target, row.options, row.credentials)


def test_it_shows_an_admin_masks_in_the_edit_form_and_keeps_what_was_left(logged_in, engine,
                                                                          dash_app):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        check_id = checks.create_check(c, "shop", {
            "name": "api", "type": "http", "interval_s": 60,
            "target": "https://bot:pw-user@shop.example/h",
            "options": {"method": "POST", "body": "grant=pw-body",
                        "headers": {"Authorization": "Bearer pw-bearer", "X-Probe": "1"}}}).id
    shown = _open_editor(logged_in, check_id)
    assert shown["target"] == "https://bot:***@shop.example/h" and shown["body"] == "***"
    assert set(shown["headers"].splitlines()) == {"Authorization: ***", "X-Probe: 1"}

    saved = _save(logged_in, {n: shown.get(n) for n in form.NAMES}, check_id)
    assert "Saved api" in saved
    target, options = _stored(engine, check_id)
    assert target == "https://bot:pw-user@shop.example/h" and options["body"] == "grant=pw-body"
    assert options["headers"] == {"Authorization": "Bearer pw-bearer", "X-Probe": "1"}

    typed = {**{n: shown.get(n) for n in form.NAMES},
             "headers": "Authorization: Bearer pw-typed\nX-Probe: 1"}
    assert "Saved api" in _save(logged_in, typed, check_id)
    assert _stored(engine, check_id)[1]["headers"]["Authorization"] == "Bearer pw-typed"
