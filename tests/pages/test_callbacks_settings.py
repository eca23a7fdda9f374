"""Settings callbacks are module-level functions: a test imports one and calls it, with a
Flask request context for the signed-in role, no browser and no Dash request."""

from __future__ import annotations

from typing import Any

from component_walk import walk
from flask_login import login_user

from jadugar import auth
from jadugar.services import applications
from jadugar.ui import settings_checks
from jadugar.ui.settings_areas import APPLICATIONS
from jadugar.ui.settings_section import show


def _listed_as(dash_app, engine, role: str) -> list[Any]:
    with engine.begin() as c:
        user = auth.create_user(c, f"user-{role}", role, "callback-pass")
    with dash_app.server.test_request_context("/settings"):
        login_user(user)
        return walk(show(APPLICATIONS, 0))


def test_it_lists_applications_with_delete_buttons_for_writers_only(dash_app, engine,
                                                                     clean_db):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    for role, buttons in (("viewer", []), ("admin", ["Delete"])):
        parts = _listed_as(dash_app, engine, role)
        assert "shop" in parts and "Shop" in parts
        assert [p.children for p in parts if getattr(p, "id", None) ==
                {"type": "set-apps-act", "act": "delete", "key": "shop"}] == buttons


def test_it_shows_the_fields_of_the_chosen_check_type():
    shown = dict(zip(settings_checks.form.GROUPS, settings_checks.follow_type("dns"),
                     strict=False))
    assert shown["dns"] == settings_checks.SHOWN
    assert all(cls == settings_checks.HIDDEN for g, cls in shown.items() if g != "dns")
    *_, target_col, label, _placeholder = settings_checks.follow_type("heartbeat")
    assert target_col == "d-none" and label


def test_it_lists_collectors_with_their_state(dash_app, engine, clean_db):
    """Settings → Collectors answered 500 as soon as a collector had reported (its times
    arrive as ISO text); an impaired one says since when and why."""
    from jadugar.services import collector_health, collector_status
    from jadugar.ui.settings_areas import COLLECTORS

    with engine.begin() as c:
        collector_status.report(c, "eu-1", "eu", recent_ok=20, recent_failed=0)
        collector_status.report(c, "us-1", "us", recent_ok=0, recent_failed=12)
        collector_health.judge(c, "us-1")
        user = auth.create_user(c, "collector-admin", "admin", "callback-pass")
    with dash_app.server.test_request_context("/settings"):
        login_user(user)
        parts = [p for p in walk(show(COLLECTORS, 0)) if isinstance(p, str)]
    assert "eu-1" in parts and "healthy" in parts
    [state] = [p for p in parts if p.startswith("impaired since")]
    assert state.endswith("(12 of 12 failed)")
