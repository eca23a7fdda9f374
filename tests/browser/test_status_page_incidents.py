"""Issue 15, Must show: "a status page with an incident and an update, checked in Chromium".
The incident is posted through the API over HTTP, then an anonymous visitor reads it."""

import pytest

from jadugar import auth

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _post(ctx, base: str, token: str, path: str, body: dict) -> dict:
    r = ctx.request.post(f"{base}/api/v1{path}", data=body,
                         headers={"Authorization": f"Bearer {token}"})
    assert r.status in (200, 201), r.text()
    return r.json()


def test_an_incident_and_its_update_render_for_an_anonymous_visitor(page, browser, engine):
    with engine.begin() as c:
        token = auth.create_token(c, "browser-status", "admin")[1]
    anonymous = browser.new_context()  # no session cookie
    base = page.base
    _post(anonymous, base, token, "/applications", {"slug": "shop", "name": "Shop"})
    _post(anonymous, base, token, "/status-pages", {
        "slug": "public", "title": "Acme status", "applications": ["shop"],
        "footer_text": "Questions? support@acme.test"})
    incident = _post(anonymous, base, token, "/status-pages/public/incidents", {
        "title": "Checkout errors", "impact": "major", "applications": ["shop"],
        "message": "We are looking into failed payments."})
    _post(anonymous, base, token, f"/status-pages/public/incidents/{incident['id']}/updates",
          {"state": "identified", "message": "A bad deploy; rolling back."})

    errors: list[str] = []
    pg = anonymous.new_page()
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    assert pg.goto(base + "/status/public").status == 200
    card = pg.locator(".incident")
    assert card.count() == 1
    assert card.locator("h3").inner_text() == "Checkout errors"
    assert "Major impact" in card.inner_text()
    updates = card.locator("li")
    assert updates.count() == 2
    assert "A bad deploy; rolling back." in updates.nth(0).inner_text()  # newest first
    assert "We are looking into failed payments." in updates.nth(1).inner_text()
    # The update's time is shown in the reader's zone: the inline script ran under the CSP.
    stamp = updates.nth(0).locator("time")
    assert stamp.inner_text() != stamp.get_attribute("datetime")
    assert pg.locator(".app[data-status='down']").count() == 1
    assert "Some systems have an outage" in pg.inner_text("#status-headline")
    assert "support@acme.test" in pg.inner_text("#status-footer")
    assert pg.locator("link[type='application/atom+xml']").count() == 1
    anonymous.close()
    assert not errors, errors
