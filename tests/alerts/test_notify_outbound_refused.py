"""Notifications go through the outbound guard too: a notification URL whose host is (or
resolves to) a refused address is not sent, and the refusal is stored as the error, on
the target and on the notification."""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text

from jadugar import config, db
from jadugar.services import applications, checks, notifications
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow

LOOPBACK_DENIED = "address 127.0.0.1 is not allowed (JADUGAR_CHECK_DENY_NETWORKS 127.0.0.0/8)"


@pytest.fixture
def receiver() -> Iterator[tuple[int, list]]:
    got: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], got
    server.shutdown()


@pytest.fixture
def deny_loopback() -> Iterator[None]:
    before = config.get()
    config.override(before.replace(check_deny_networks="127.0.0.0/8"))
    yield
    config.override(before)


def _target(url: str) -> int:
    with db.transaction() as conn:
        return notifications.create_target(conn, {"name": "hook", "url": url}).id


def _last_error(target_id: int) -> str | None:
    with db.transaction() as conn:
        return notifications.get_target(conn, target_id).last_error


def test_it_sends_to_loopback_by_default(receiver, clean_db) -> None:
    port, got = receiver
    assert notifications.send_test(_target(f"json://127.0.0.1:{port}/hook")) is None
    assert len(got) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_it_refuses_a_denied_host_and_stores_why(receiver, clean_db, deny_loopback,
                                                 host: str) -> None:
    port, got = receiver
    target = _target(f"json://{host}:{port}/hook")
    assert notifications.send_test(target) == LOOPBACK_DENIED
    assert _last_error(target) == LOOPBACK_DENIED
    assert got == []


def test_it_never_sends_to_the_metadata_service(clean_db) -> None:
    target = _target("json://169.254.169.254/latest/meta-data/")
    started = time.perf_counter()
    error = notifications.send_test(target)
    assert time.perf_counter() - started < 1
    assert error == "address 169.254.169.254 is not allowed (link-local / cloud metadata)"


def test_it_stores_the_refusal_on_the_queued_notification(receiver, clean_db,
                                                          deny_loopback) -> None:
    from collectors.alerting import evaluate_rules

    port, got = receiver
    _target(f"json://127.0.0.1:{port}/hook")
    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "shop", "name": "Shop"})
        check = checks.create_check(conn, "shop", {"name": "web", "type": "tcp",
                                                   "target": "10.0.0.9:80", "interval_s": 30})
        for _ in range(3):
            write_results(conn, [Row(check.id, utcnow(), "local", "down", error="refused")])
        evaluate_rules(conn, ("consecutive_failures",))
    assert notifications.send_pending(db.transaction) == 1
    with db.transaction() as conn:
        (note,) = notifications.list_notifications(conn)
        assert conn.execute(text("select count(*) from alerts")).scalar_one() == 1
    assert (note.status, note.last_error) == ("pending", LOOPBACK_DENIED)
    assert got == []
