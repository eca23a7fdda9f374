"""Settings → Audit log answers admins and refuses everyone else, even a forged callback."""

from __future__ import annotations

from login_support import sign_in
from sqlalchemy import text

from jadugar import auth


def _listing(client, status: int = 200) -> str:
    deps = client.get("/_dash-dependencies").json
    listing = next(d for d in deps if d["output"] == "set-audit-table.children")
    r = client.post("/_dash-update-component", json={
        "output": listing["output"], "outputs": {"id": "set-audit-table",
                                                 "property": "children"},
        "inputs": [{"id": "set-audit-changed", "property": "data", "value": 0}],
        "changedPropIds": []})
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    return r.get_data(as_text=True)


def test_it_shows_admins_the_latest_changes(logged_in, engine):
    with engine.begin() as c:
        # Another user's password: changing alice's own would end her session.
        auth.create_user(c, "bob", "viewer", "bob-password")
        auth.set_password(c, "bob", "another horse")
        c.execute(text("insert into applications (slug, name, tags) values ('shop', 'Shop', "
                       "'{}')"))
    body = _listing(logged_in)
    assert "create application Shop" in body and "password_hash: (changed)" in body
    assert "scrypt" not in body


def test_it_refuses_editors(client, engine):
    with engine.begin() as c:
        auth.create_user(c, "ed", "editor", "editor-pass")
    sign_in(client, "ed", "editor-pass")
    body = _listing(client, 403)
    assert "needs the admin role" in body and "password_hash" not in body
