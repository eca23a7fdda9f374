"""A real `jadugar collect` given a catastrophic body_regex keeps writing results for it
and for every other check, and stops promptly on SIGTERM (the pattern used to hold the
event loop and the GIL: no results, the collector stale, SIGTERM unheard)."""

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text
from support_processes import process_env, start_process

from jadugar import db
from jadugar.services import applications, checks

# Python's re would need about 2^40 steps for this pair: for ever, in practice.
EVIL_PATTERN = "^(a+)+$"
EVIL_BODY = b"a" * 40 + b"!"
INTERVAL_S = 5
PROMPT_STOP_S = 5


@pytest.fixture
def evil_site() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = EVIL_BODY if self.path == "/evil" else b"OK"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _results(engine) -> dict[str, list]:
    with engine.connect() as c:
        rows = c.execute(text("""select c.name, h.status, h.error from history h
                                 join health_checks c on c.id = h.check_id""")).all()
    found: dict[str, list] = {}
    for row in rows:
        found.setdefault(row.name, []).append((row.status, row.error))
    return found


@pytest.mark.slow
def test_it_keeps_checking_and_stops_promptly_despite_a_catastrophic_regex(
        evil_site, database_url, tmp_path, clean_db, engine):
    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "shop", "name": "Shop"})
        for name, path, expect in (("evil", "/evil", {"body_regex": EVIL_PATTERN}),
                                   ("plain", "/ok", {})):
            checks.create_check(conn, "shop", {
                "name": name, "type": "http", "target": evil_site + path,
                "interval_s": INTERVAL_S, "timeout_s": 3, "expect": expect})
        conn.execute(text("update health_checks set next_run_at = now()"))
    log = tmp_path / "collector.log"
    proc = start_process(["collect"], process_env(database_url, tmp_path), log)
    try:
        deadline = time.monotonic() + 40
        found = _results(engine)
        # Two runs of the plain check: it went on running after the evil one had run.
        while time.monotonic() < deadline and (
                len(found.get("plain", [])) < 2 or not found.get("evil")):
            time.sleep(0.3)
            found = _results(engine)
        assert found.get("evil") and len(found.get("plain", [])) >= 2, (
            f"results: {found}\n{log.read_text()[-2000:]}")
        assert found["evil"][0] == ("down", f"body does not match /{EVIL_PATTERN}/")
        assert set(found["plain"]) == {("up", None)}

        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        proc.wait(PROMPT_STOP_S)
        assert proc.returncode == 0, log.read_text()[-2000:]
        assert time.monotonic() - started < PROMPT_STOP_S
    except subprocess.TimeoutExpired:
        pytest.fail(f"collector ignored SIGTERM for {PROMPT_STOP_S} s")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
