"""After the server comes back, an open page catches up on what it missed."""

import pytest
from browser_support import sign_in, wait_live
from sqlalchemy import text
from support_processes import free_port, process_env, start_process, stop_process, wait_http

from jadugar import auth, events

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _serve(port, database_url, tmp_root):
    log = tmp_root / f"reconnect-{port}.log"
    proc = start_process(["serve", "--no-migrate", "--port", str(port)],
                         process_env(database_url, tmp_root), log)
    wait_http(f"http://127.0.0.1:{port}/healthz", proc, log)
    return proc


def test_it_catches_up_after_a_reconnect(browser, engine, clean_db, database_url, tmp_root):
    with engine.begin() as c:
        auth.create_user(c, "reconnect", "viewer", "reconnect-pass")
        c.execute(text("insert into projects (slug, name) values ('web', 'Web')"))
        build_id = c.execute(text(
            "insert into builds (project_id, status, progress, started_at)"
            " select id, 'running', 10, now() from projects returning id")).scalar_one()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(port, database_url, tmp_root)
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, base, "reconnect", "reconnect-pass")
        page.goto(base + "/builds")
        wait_live(page)
        # An event sets the page's last-event time, from which it catches up later.
        with engine.begin() as c:
            c.execute(text("update builds set progress = 30 where id = :id"), {"id": build_id})
            events.publish(c, "build", {"id": build_id, "project": "web", "progress": 30})
        bar = f'[id*="builds-progress"][id*="{build_id}"] .progress-bar'
        page.wait_for_function(f"document.querySelector('{bar}')?.style.width === '30%'",
                               timeout=10000)

        stop_process(server)
        wait_live(page, "reconnecting")
        with engine.begin() as c:  # changed while the page could not hear about it
            c.execute(text("update builds set progress = 90 where id = :id"), {"id": build_id})
        server = _serve(port, database_url, tmp_root)
        wait_live(page, timeout_ms=30000)
        page.wait_for_function(f"document.querySelector('{bar}')?.style.width === '90%'",
                               timeout=10000)
    finally:
        context.close()
        stop_process(server)
