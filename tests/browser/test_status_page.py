import pytest
from monitoring_browser import load_demo

from jadugar.services import status_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_is_public_and_leaks_nothing_private(page, browser, engine):
    load_demo(engine)
    with engine.begin() as c:
        status_pages.save_page(c, "public", "Acme status", None, ["storefront", "search"])
    anonymous = browser.new_context()  # no session cookie
    pg = anonymous.new_page()
    response = pg.goto(page.base + "/status/public")
    assert response.status == 200 and pg.url.endswith("/status/public")
    assert pg.locator(".app").count() == 2
    assert pg.locator(".app").first.locator(".bars span").count() == 90
    assert "Ongoing incident" in pg.inner_text("body")
    html = pg.content()
    for private in ("127.0.0.1", "/healthz", "homepage", "expected status", "Payments",
                    "tcp", "503"):
        assert private not in html
    assert pg.goto(page.base + "/monitoring").url.startswith(page.base + "/login")
    anonymous.close()
