"""When the server goes away, the navbar badge says "reconnecting", then "offline" after a
while (30 s; shortened here), and the page says what it shows may be stale (at once if a link
is followed meanwhile). Both clear by themselves once the server is back."""

import pytest
from browser_support import LIVE, sign_in, wait_live
from support_processes import free_port, process_env, start_process, stop_process, wait_http

from jadugar import auth

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _serve(port, database_url, tmp_root):
    log = tmp_root / f"offline-{port}.log"
    proc = start_process(["serve", "--no-migrate", "--port", str(port)],
                         process_env(database_url, tmp_root), log)
    wait_http(f"http://127.0.0.1:{port}/healthz", proc, log)
    return proc


def test_it_goes_offline_and_says_the_page_is_stale_then_recovers(browser, engine, clean_db,
                                                                  database_url, tmp_root):
    with engine.begin() as c:
        auth.create_user(c, "offline", "viewer", "offline-pass")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(port, database_url, tmp_root)
    context = browser.new_context()
    context.add_init_script("window.JADUGAR_OFFLINE_MS = 60000")
    page = context.new_page()
    try:
        sign_in(page, base, "offline", "offline-pass")
        wait_live(page)
        page.wait_for_load_state("networkidle")
        assert not page.is_visible("#shell-stale")

        stop_process(server)
        wait_live(page, "reconnecting")
        assert not page.is_visible("#shell-stale")  # a blip is not worth a warning
        page.click("nav >> text=Monitoring")  # the page cannot load: say so at once
        page.wait_for_selector("#shell-stale >> text=may be out of date", timeout=5000)
        assert page.evaluate(f"{LIVE}") == "reconnecting"
        page.evaluate("window.JADUGAR_OFFLINE_MS = 2000")
        wait_live(page, "offline", timeout_ms=15000)
        page.wait_for_selector("#shell-stale >> text=may be out of date")
        assert page.evaluate(f"{LIVE}") == "offline"

        server = _serve(port, database_url, tmp_root)
        wait_live(page, timeout_ms=30000)
        page.wait_for_selector("#shell-stale", state="hidden")
    finally:
        context.close()
        stop_process(server)
