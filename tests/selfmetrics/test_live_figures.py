"""Against a real `jadugar serve` (gunicorn, multiprocess mode): open sockets and events sent
move with a real Socket.IO client, and Jadugar's own prometheus check, run by a real
collector with the demo's token, finds its /metrics up."""

from __future__ import annotations

import time
import urllib.request

import pytest
import socketio
from scrape_support import value
from sqlalchemy import text
from support_processes import process_env, start_process, stop_process

from jadugar.prometheus_text import Sample, parse
from jadugar.services.demo import self_watch

pytestmark = pytest.mark.slow
SOCKETS = "jadugar_socketio_open_sockets"
EVENTS = "jadugar_socketio_events_sent_total"


def _scrape(base: str, token: str) -> list[Sample]:
    req = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return parse(r.read().decode())


def _until(base: str, token: str, name: str, holds, timeout_s: float = 15, **labels) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        seen = value(_scrape(base, token), name, **labels)
        if holds(seen):
            return seen
        time.sleep(0.2)
    raise AssertionError(f"{name}{labels} stayed at {seen}")


def _post(base: str, token: str, path: str, body: bytes) -> None:
    req = urllib.request.Request(base + "/api/v1" + path, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).close()


def test_it_counts_open_sockets_and_events_sent(live_server, make_token):
    reader, admin = make_token("read"), make_token("admin")
    before = value(_scrape(live_server, reader), SOCKETS)
    sent = value(_scrape(live_server, reader), EVENTS, event="build")
    sio = socketio.Client(reconnection=False)
    sio.connect(live_server, auth={"token": reader}, transports=["websocket"],
                headers={"Authorization": f"Bearer {reader}"}, wait_timeout=10)
    try:
        _until(live_server, reader, SOCKETS, lambda n: n == before + 1)
        _post(live_server, admin, "/projects", b'{"slug": "metered", "name": "Metered"}')
        _post(live_server, admin, "/projects/metered/builds", b'{"status": "running"}')
        _until(live_server, reader, EVENTS, lambda n: n > sent, event="build")
    finally:
        sio.disconnect()
    _until(live_server, reader, SOCKETS, lambda n: n == before)


def test_it_watches_itself_with_a_prometheus_check(live_server, engine, make_token,
                                                    database_url, tmp_path):
    with engine.begin() as conn:
        self_watch.load(conn, self_url=live_server)
    collector = start_process(["collect"], process_env(
        database_url, tmp_path, JADUGAR_COLLECTOR_NAME="self-watch",
        JADUGAR_DATA_DIR=str(tmp_path / "collector")), tmp_path / "collector.log")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as c:
                check = c.execute(text("""
                    select c.status, c.last_error from health_checks c
                      join applications a on a.id = c.application_id
                     where a.slug = 'jadugar'""")).one()
            if check.status != "unknown":
                break
            time.sleep(0.5)
    finally:
        stop_process(collector)
    assert (check.status, check.last_error) == ("up", None), \
        (tmp_path / "collector.log").read_text()[-2000:]
    with engine.connect() as c:
        kept = set(c.execute(text("""
            select s.name from metric_series s join applications a on a.id = s.application_id
             where a.slug = 'jadugar'""")).scalars())
    assert kept >= {"jadugar_socketio_open_sockets", "jadugar_collector_up"}
