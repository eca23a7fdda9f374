"""Settings → Audit log in a real browser: a token made in Settings shows up under the
admin's name, from the browser's address, through the UI; the CSV link downloads."""

import pytest
from monitoring_browser import choose

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_shows_who_made_a_token_in_settings(page):
    page.goto(page.base + "/settings?tab=set-tokens")
    page.wait_for_selector("#set-tokens-list")
    page.fill("#set-tokens-name", "ci")
    choose(page, "set-tokens-scope", "ingest")
    page.click("#set-tokens-save")
    page.wait_for_selector("#set-tokens-secret")
    secret = page.inner_text("#set-tokens-secret")

    page.goto(page.base + "/settings?tab=set-audit")
    row = page.locator("#set-audit-list tr:has-text('create api token ci')")
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[1:4] == ["browser", "127.0.0.1", "ui"]
    assert "token_hash: (set)" in cells[5] and secret[4:] not in page.content()

    with page.expect_download() as download:
        page.click("#set-audit-csv")
    assert "create" in download.value.path().read_text()
