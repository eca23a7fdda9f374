"""Settings writes are decided on the server: a viewer sees the forms, and is refused."""

import pytest
from sqlalchemy import text

from jadugar import auth

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_refuses_a_viewer_every_admin_write(browser, live_server, engine, clean_db):
    with engine.begin() as c:
        auth.create_user(c, "root", "admin", "root-pass-1")
        auth.create_user(c, "val", "viewer", "viewer-pass")
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/login")
    page.fill("#username", "val")
    page.fill("#password", "viewer-pass")
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")

    page.goto(live_server + "/settings?tab=set-users")
    page.wait_for_selector("#set-users-list")
    page.fill("#set-users-username", "mallory")
    page.click("#set-users-save")
    page.wait_for_selector("#set-users-form-error:has-text('admin')")
    page.once("dialog", lambda d: d.accept())
    page.select_option("#set-users-list tr:has(td:text-is('val')) select", "admin")
    page.wait_for_selector("#set-users-message:has-text('admin')")

    page.goto(live_server + "/settings?tab=set-tokens")
    page.fill("#set-tokens-name", "sneaky")
    page.click("#set-tokens-save")
    page.wait_for_selector("#set-tokens-form-error:has-text('admin')")
    context.close()

    with engine.connect() as c:
        assert c.execute(text("select username, role from users order by 1")).all() == [
            ("root", "admin"), ("val", "viewer")]
        assert c.execute(text("select count(*) from api_tokens")).scalar_one() == 0
    assert not console, console
