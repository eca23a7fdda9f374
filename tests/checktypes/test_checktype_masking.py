"""What a check type declares secret (here a plug-in's: its whole target and one option)
is masked for every reader, stored encrypted, kept when an edit leaves `***`, and put back
for the probe. Through the real API."""

from checktype_fakes import with_ftp
from sqlalchemy import text

from jadugar.services import check_credentials as credentials

CHECK = {"name": "files", "type": "ftp", "target": "ftp://bot:pw-target@files.example",
         "interval_s": 60, "expect": {"path": "/in"},
         "options": {"account": "pw-account", "passive": True}}


def _stored(engine, check_id: int):
    with engine.connect() as c:
        row = c.execute(text("select target, options, credentials from health_checks "
                             "where id = :id"), {"id": check_id}).one()
    return row, credentials.unseal(row.target, row.options, row.credentials)


def test_it_masks_and_keeps_what_a_type_declares_secret(api, engine, monkeypatch):
    with_ftp(monkeypatch)
    assert api.post("/applications", json={"slug": "shop", "name": "Shop"}).status_code == 201
    r = api.post("/applications/shop/checks", json=CHECK)
    assert r.status_code == 201, r.json
    assert "pw-" not in r.get_data(as_text=True)
    assert (r.json["target"], r.json["options"]["account"]) == ("***", "***")
    row, (target, options) = _stored(engine, r.json["id"])
    assert (row.target, row.options["account"]) == ("***", "***")
    assert (target, options["account"]) == (CHECK["target"], "pw-account")

    edit = {"target": "***", "options": {"account": "***", "passive": False}}
    assert api.patch(f"/checks/{r.json['id']}", json=edit).status_code == 200
    _, (target, options) = _stored(engine, r.json["id"])
    assert (target, options) == (CHECK["target"], {"account": "pw-account", "passive": False})


def test_it_refuses_a_masked_secret_with_nothing_stored_behind_it(api, monkeypatch):
    with_ftp(monkeypatch)
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    r = api.post("/applications/shop/checks", json={**CHECK, "target": "***"})
    assert r.status_code == 422 and r.json["error"]["field"] == "target"
    r = api.post("/applications/shop/checks", json={**CHECK, "options": {"account": "***"}})
    assert r.status_code == 422 and r.json["error"]["field"] == "options.account"
