"""Headless Debian Chromium driven by Playwright; `playwright install` cannot download
browsers here, so the launch points at /usr/bin/chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from browser_support import sign_in

from jadugar import auth

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Per module, not per session: Playwright's sync API keeps an asyncio loop running in
    the main thread while it is open, which would break later tests that call asyncio.run."""
    path = _chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; tests/run.sh installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server, engine, clean_db):
    """A signed-in browser page on the live server; console errors fail the test."""
    with engine.begin() as c:
        auth.create_user(c, "browser", "admin", "browser-pass")
    context = browser.new_context(viewport={"width": 1280, "height": 1024},
                                  accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(pg, live_server, "browser", "browser-pass")
    pg.base = live_server
    yield pg
    context.close()
    assert not errors, f"browser console errors: {errors}"
