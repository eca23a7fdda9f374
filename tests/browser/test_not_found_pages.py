"""One not-found page: an unknown URL, project, build or application, and Flask's own 404s,
all say what is missing in the same style and offer a way back; titles name the thing."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# path, heading, the first way back offered
MISSING = [
    ("/no-such-page", "Page not found", "/"),
    ("/builds/no-such-project", "Project not found", "/builds"),
    ("/builds/no-such-project/424242", "Build not found", "/builds/no-such-project"),
    ("/monitoring/no-such-app", "Application not found", "/monitoring"),
]


@pytest.mark.parametrize(("path", "heading", "back"), MISSING)
def test_it_says_what_is_missing_and_offers_a_way_back(page, path, heading, back):
    page.goto(page.base + path)
    page.wait_for_selector("#not-found")
    assert page.inner_text("#not-found h1") == heading
    first = page.locator("#not-found a").first
    assert first.get_attribute("href") == back
    assert page.locator("#not-found a[href='/']").count() == 1
    first.click()
    page.wait_for_url(page.base + back)


def test_it_names_the_project_and_application_in_the_title(page):
    page.goto(page.base + "/monitoring/no-such-app")
    page.wait_for_selector("#not-found")
    assert page.title().startswith("no-such-app · Monitoring")


def test_it_draws_flask_errors_in_the_same_style(page, browser):
    # Another context: the 404 status itself is a console error, which `page` refuses.
    other = browser.new_context(color_scheme="dark")
    pg = other.new_page()
    response = pg.goto(page.base + "/vendor/no-such-file.css")
    assert response.status == 404
    assert pg.locator(".not-found h1").inner_text() == "Not Found"
    assert pg.locator(".not-found a[href='/']").count() == 1
    assert pg.evaluate("document.documentElement.getAttribute('data-bs-theme')") == "dark"
    other.close()
