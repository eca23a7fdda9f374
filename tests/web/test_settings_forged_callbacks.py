"""Settings writes are decided on the server. A viewer no longer sees the admin areas, so
this test forges what a browser could still send: the Dash callback requests themselves,
taken from /_dash-dependencies, signed in as a viewer."""

from login_support import sign_in
from sqlalchemy import text

from jadugar import auth


def _forge(client, output_part: str, trigger: str, state: dict) -> dict:
    deps = client.get("/_dash-dependencies").json
    dep = next(d for d in deps if output_part in d["output"]
               and any(i["id"] == trigger for i in d["inputs"]))
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
               for part in dep["output"].strip(".").split("...")]
    body = {
        "output": dep["output"], "outputs": outputs,
        "inputs": [{"id": trigger, "property": "n_clicks", "value": 1}],
        "state": [{**s, "value": state.get(s["id"].rsplit("-", 1)[-1])} for s in dep["state"]],
        "changedPropIds": [f"{trigger}.n_clicks"],
    }
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    return r.json


def test_it_refuses_a_viewer_who_forges_admin_settings_writes(client, engine, dash_app):
    with engine.begin() as c:
        auth.create_user(c, "val", "viewer", "viewer-pass")
    sign_in(client, "val", "viewer-pass")

    made = _forge(client, "set-users-changed.data", "set-users-save",
                  {"username": "mallory", "role": "admin", "password": "mallory-pass"})
    assert "admin" in str(made["response"])  # the form error names the role it needs
    made = _forge(client, "set-tokens-changed.data", "set-tokens-save",
                  {"name": "sneaky", "scope": "admin"})
    assert "admin" in str(made["response"])

    with engine.connect() as c:
        assert c.execute(text("select username from users")).scalars().all() == ["val"]
        assert c.execute(text("select count(*) from api_tokens")).scalar_one() == 0


def test_it_shows_a_viewer_only_the_areas_a_viewer_may_see(client, engine, dash_app):
    with engine.begin() as c:
        auth.create_user(c, "val", "viewer", "viewer-pass")
    sign_in(client, "val", "viewer-pass")
    deps = client.get("/_dash-dependencies").json
    listing = next(d for d in deps if d["output"] == "set-users-table.children")
    r = client.post("/_dash-update-component", json={
        "output": listing["output"], "outputs": {"id": "set-users-table",
                                                 "property": "children"},
        "inputs": [{"id": "set-users-changed", "property": "data", "value": 0}],
        "changedPropIds": []})
    assert "need the admin role" in r.get_data(as_text=True)
