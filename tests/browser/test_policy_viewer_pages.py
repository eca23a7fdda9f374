"""A viewer sees the pages without the forms and buttons the policy table refuses them, and
nothing on those pages asks the server for what it would refuse (no console error)."""

import pytest
from browser_support import sign_in

from jadugar import auth
from jadugar.services import alert_rules, applications, checks, projects

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WRITES = {
    "/builds": ["#builds-new-submit"],
    "/builds/web": ["#builds-project-edit-save"],
    "/alerts": ["#rules-save", "button:has-text('Delete')"],
    "/settings?tab=set-checks": ["#set-checks-save", "button:has-text('Edit')"],
    "/settings?tab=set-maint": ["#set-maint-save"],
}
WAIT = {"/builds": "#builds-overview", "/builds/web": "#builds-project-pageinfo >> text=builds",
        "/alerts": "#rules-list", "/settings?tab=set-checks": "#set-checks-list",
        "/settings?tab=set-maint": "#set-maint-list"}


def test_it_shows_a_viewer_no_write_controls(browser, live_server, engine, clean_db):
    with engine.begin() as c:
        auth.create_user(c, "vera", "viewer", "viewer-pass")
        projects.create_project(c, {"slug": "web", "name": "Web"})
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        check = checks.create_check(c, "shop", {"name": "home", "type": "http",
                                                "interval_s": 60,
                                                "target": "https://shop.example/"})
        alert_rules.create_rule(c, {"check_id": check.id, "kind": "consecutive_failures",
                                    "threshold": 3})
    context = browser.new_context(viewport={"width": 1280, "height": 1024})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "vera", "viewer-pass")
    for path, selectors in WRITES.items():
        page.goto(live_server + path)
        page.wait_for_selector(WAIT[path])
        for selector in selectors:
            assert page.locator(selector).count() == 0, f"{path}: {selector}"
    page.wait_for_timeout(500)  # let late callbacks answer before reading the console
    context.close()
    assert not console, console
