"""Maintenance windows silence alerts, so how much one may silence is in the policy table:
editors (and ingest tokens) open one-off windows of up to 7 days for one application;
windows for every application, repeating ones and longer ones need admin (finding 7: an
editor created a global ten-year window through a forged Settings callback)."""

from datetime import timedelta

import pytest
from policy_support import add_user, dependencies, post, sign_in
from sqlalchemy import text

from jadugar.services import applications, maintenance
from jadugar.timeutil import utcnow

SAVE = "set-maint-changed.data <- set-maint-save"
DELETE = "set-maint-changed.data <- set-maint-confirm-ok"


def _form(application: str | None, days: float, recurrence: str = "none") -> dict:
    start = utcnow().replace(microsecond=0)
    return {"set-maint-title": "quiet", "set-maint-application": application,
            "set-maint-starts_at": start.isoformat(),
            "set-maint-ends_at": (start + timedelta(days=days)).isoformat(),
            "set-maint-recurrence": recurrence}


def _windows(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("select count(*) from maintenance_windows")).scalar_one()


@pytest.fixture
def shop(engine, clean_db):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})


def _as(client, engine, role: str) -> list:
    add_user(engine, role, role)
    sign_in(client, role)
    return dependencies(client)


def test_it_refuses_an_editor_a_global_ten_year_window(client, engine, dash_app, shop):
    deps = _as(client, engine, "editor")
    r = post(client, deps, SAVE, _form(None, 3650))
    assert "maintenance.wide needs the admin role" in r.get_data(as_text=True)
    assert _windows(engine) == 0


@pytest.mark.parametrize(("days", "recurrence"), [(8, "none"), (0.1, "daily")])
def test_it_refuses_an_editor_a_long_or_repeating_window(client, engine, dash_app, shop, days,
                                                         recurrence):
    deps = _as(client, engine, "editor")
    r = post(client, deps, SAVE, _form("shop", days, recurrence))
    assert "maintenance.wide" in r.get_data(as_text=True)
    assert _windows(engine) == 0


def test_it_lets_an_editor_open_a_short_window_for_one_application(client, engine, dash_app,
                                                                   shop):
    deps = _as(client, engine, "editor")
    r = post(client, deps, SAVE, _form("shop", 7))
    assert r.status_code == 200 and _windows(engine) == 1


def test_it_lets_an_admin_open_a_global_window(client, engine, dash_app, shop):
    deps = _as(client, engine, "admin")
    post(client, deps, SAVE, _form(None, 30))
    assert _windows(engine) == 1


def test_it_refuses_an_editor_who_deletes_a_global_window(client, engine, dash_app, shop):
    with engine.begin() as c:
        window = maintenance.create_window(c, {"title": "freeze", "starts_at": utcnow(),
                                               "ends_at": utcnow() + timedelta(days=2)})
    deps = _as(client, engine, "editor")
    r = post(client, deps, DELETE, {"set-maint-pending": str(window.id)})
    assert "maintenance.wide" in r.get_data(as_text=True)
    assert _windows(engine) == 1


def _api_body(application: str | None, days: float) -> dict:
    start = utcnow()
    return {"title": "deploy", "application": application, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(days=days)).isoformat()}


def test_it_applies_the_same_rule_to_api_tokens(client, make_token, shop):
    ingest = {"Authorization": f"Bearer {make_token('ingest')}"}
    admin = {"Authorization": f"Bearer {make_token('admin')}"}
    url = "/api/v1/maintenance-windows"
    assert client.post(url, json=_api_body("shop", 0.1), headers=ingest).status_code == 201
    refused = client.post(url, json=_api_body(None, 1), headers=ingest)
    assert refused.status_code == 403 and "maintenance.wide" in refused.json["error"]["message"]
    assert client.post(url, json=_api_body("shop", 30), headers=ingest).status_code == 403
    wide = client.post(url, json=_api_body(None, 30), headers=admin)
    assert wide.status_code == 201
    assert client.delete(f"{url}/{wide.json['id']}", headers=ingest).status_code == 403
    assert client.delete(f"{url}/{wide.json['id']}", headers=admin).status_code == 204
