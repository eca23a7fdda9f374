"""Settings → Checks in Chromium: the conditions textarea shows a parse error beside it,
saves good conditions into expect.conditions, and hides for heartbeats."""

import pytest
from monitoring_browser import choose
from playwright.sync_api import expect
from sqlalchemy import text

from jadugar.services import applications

pytestmark = [pytest.mark.browser, pytest.mark.slow]

P = "#set-checks"


def test_it_shows_a_condition_error_beside_the_textarea_and_saves_good_ones(page, engine):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    page.goto(page.base + "/settings?tab=set-checks")
    page.wait_for_selector(f"{P}-list")
    choose(page, "set-checks-application", "shop")
    page.fill(f"{P}-name", "api")
    page.fill(f"{P}-target", "https://shop.example/health")
    page.fill(f"{P}-conditions", "[STATUS] == 200\n[BODY].x =! 3")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-conditions-error:has-text('condition 2')")
    expect(page.locator(f"{P}-conditions-error")).to_contain_text("column 10")

    page.fill(f"{P}-conditions", "[STATUS] == 200\ndegraded: [RESPONSE_TIME] < 300")
    page.click(f"{P}-save")
    page.wait_for_selector(f"{P}-list tr:has(td:text-is('api'))")
    with engine.connect() as c:
        stored = c.execute(text("select expect from health_checks where name = 'api'")).scalar()
    assert stored == {"conditions": ["[STATUS] == 200", "degraded: [RESPONSE_TIME] < 300"]}

    choose(page, "set-checks-type", "heartbeat")
    expect(page.locator(f"{P}-conditions")).to_be_hidden()
