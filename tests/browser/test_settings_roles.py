"""A viewer sees the settings a viewer may see, and none of the admin areas. (That the server
refuses forged admin writes is tests/web/test_settings_forged_callbacks.py.)"""

import pytest
from browser_support import sign_in

from jadugar import auth

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_shows_a_viewer_no_admin_settings(browser, live_server, engine, clean_db):
    with engine.begin() as c:
        auth.create_user(c, "val", "viewer", "viewer-pass")
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "val", "viewer-pass")

    page.goto(live_server + "/settings?tab=set-users")
    page.wait_for_selector("#settings-tabs >> text=Collectors")
    tabs = page.inner_text("#settings-tabs")
    for visible in ("Applications", "Checks", "Collectors"):
        assert visible in tabs
    for hidden in ("Users", "API tokens", "Notification targets"):
        assert hidden not in tabs
    assert page.locator("#set-users-save").count() == 0
    context.close()
    assert not console, console
