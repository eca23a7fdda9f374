"""Settings → API tokens: made in the browser, secret shown once, then revoked."""

import urllib.error
import urllib.request

import pytest
from monitoring_browser import choose

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _api_status(base: str, token: str) -> int:
    req = urllib.request.Request(base + "/api/v1/projects",
                                 headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def test_it_creates_a_token_shows_its_secret_once_and_revokes_it(page):
    page.goto(page.base + "/settings?tab=set-tokens")
    page.wait_for_selector("#set-tokens-list")
    page.click("#set-tokens-save")
    page.wait_for_selector("#set-tokens-name-error:has-text('name is required')")

    page.fill("#set-tokens-name", "ci")
    choose(page, "set-tokens-scope", "ingest")
    page.click("#set-tokens-save")
    secret = page.inner_text("#set-tokens-secret")
    assert secret.startswith("jdg_")
    assert "shown only this once" in page.inner_text("#set-tokens-message")
    row = "#set-tokens-list tr:has(td:text-is('ci'))"
    page.wait_for_selector(f"{row} >> text=ingest")
    assert secret not in page.inner_text("#set-tokens-list")  # the list has the prefix only
    assert _api_status(page.base, secret) == 200

    page.reload()  # once means once: nothing on the page brings it back
    page.wait_for_selector(row)
    assert secret not in page.content()

    page.click(f"{row} >> text=Revoke")
    page.click("#set-tokens-confirm-ok")  # the modal naming it
    page.wait_for_selector("#set-tokens-message:has-text('Revoked.')")
    assert _api_status(page.base, secret) == 401
