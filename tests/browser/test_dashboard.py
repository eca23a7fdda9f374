import pytest

from jadugar.services import demo

pytestmark = pytest.mark.browser


def test_it_shows_demo_numbers_on_the_dashboard_after_login(page, engine):
    with engine.begin() as c:
        demo.load(c, database_url=None)
    page.goto(page.base + "/")
    page.wait_for_selector("#dashboard-recent")
    assert page.inner_text("#dashboard-open-alerts") == "2"
    assert "/" in page.inner_text("#dashboard-apps-up")
    assert page.locator("nav >> text=Builds").count() == 1


def test_it_tells_a_new_user_what_to_do_next(page):
    page.goto(page.base + "/")
    page.wait_for_selector("text=Nothing here yet")
    assert "curl" in page.inner_text(".empty-state")
