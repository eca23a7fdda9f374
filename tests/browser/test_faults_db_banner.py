"""PostgreSQL stops under an open page: a banner says so (the shell keeps running), a new
page load gets a page that says so (503), and both clear once the database is back."""

import contextlib

import pytest
from browser_support import sign_in, wait_live
from support_faults import FaultServer, OwnDatabase
from support_processes import free_port, process_env, start_process, stop_process, wait_http

from jadugar import auth

BANNER = "#shell-db-banner"


pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def own_db(tmp_path):
    server = FaultServer(tmp_path / "pg")
    database = OwnDatabase(server)
    yield database
    database.engine.dispose()
    with contextlib.suppress(Exception):
        server.stop()


def test_it_shows_a_banner_while_the_database_is_away(browser, own_db, tmp_path):
    with own_db.engine.begin() as c:
        auth.create_user(c, "banner", "viewer", "banner-pass")
    port = free_port()
    base, log = f"http://127.0.0.1:{port}", tmp_path / "serve.log"
    server = start_process(["serve", "--no-migrate", "--port", str(port)],
                           process_env(own_db.url, tmp_path, JADUGAR_DB_TIMEOUT_S="1"), log)
    context = browser.new_context()
    page = context.new_page()
    try:
        wait_http(base + "/readyz", server, log)
        sign_in(page, base, "banner", "banner-pass")
        page.goto(base + "/builds")
        wait_live(page)
        assert not page.locator(BANNER).is_visible()

        own_db.stop()
        page.wait_for_selector(f"{BANNER}:has-text('database is unavailable')", timeout=15000)
        assert page.locator("nav.navbar").is_visible()  # the shell still stands
        reply = page.goto(base + "/monitoring")  # a page that cannot be built now
        assert reply.status == 503
        assert "database is unavailable" in page.inner_text("body")

        own_db.start()
        page.wait_for_load_state()  # it reloads itself; go now rather than wait
        page.goto(base + "/builds")
        wait_live(page, timeout_ms=30000)
        page.wait_for_selector(BANNER, state="hidden", timeout=15000)
    finally:
        context.close()
        stop_process(server)
