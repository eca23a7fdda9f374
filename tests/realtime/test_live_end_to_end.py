"""Issue 6's proof: a real Socket.IO client (python-socketio) with a read token receives the
update for a build PATCHed through the API, and a check result written by a real collector
process."""

import json
import queue
import urllib.request

import pytest
import socketio
from support_processes import process_env, start_process, stop_process

pytestmark = pytest.mark.slow


def _call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(
        base + "/api/v1" + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def _wait_for(got: queue.Queue, event: str, match, timeout_s: float = 30) -> dict:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            name, data = got.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if name == event and match(data):
            return data
    raise AssertionError(f"no matching {event} event within {timeout_s}s")


def test_it_pushes_api_and_collector_writes_to_a_socket_client(
        live_server, make_token, database_url, tmp_root):
    admin = make_token("admin")
    got: queue.Queue = queue.Queue()
    sio = socketio.Client(reconnection=False)
    for name in ("build", "check_result"):
        sio.on(name, lambda data, name=name: got.put((name, data)))
    reader = make_token("read")
    sio.connect(live_server, auth={"token": reader}, transports=["websocket"],
                headers={"Authorization": f"Bearer {reader}"}, wait_timeout=10)
    collector = None
    try:
        sio.call("subscribe", {"rooms": ["project:live", "application:live-app"]}, timeout=5)

        # 1. A build PATCHed through the API.
        _call(live_server, admin, "POST", "/projects", {"slug": "live", "name": "Live"})
        build = _call(live_server, admin, "POST", "/projects/live/builds",
                      {"status": "running", "progress": 10, "branch": "main"})
        _call(live_server, admin, "PATCH", f"/builds/{build['id']}", {"progress": 64})
        data = _wait_for(got, "build", lambda d: d["id"] == build["id"]
                         and d.get("progress") == 64, 10)
        assert data["project"] == "live" and data["status"] == "running"

        # 2. A check result written by a real collector process.
        _call(live_server, admin, "POST", "/applications", {"slug": "live-app", "name": "App"})
        check = _call(live_server, admin, "POST", "/applications/live-app/checks",
                      {"name": "health", "type": "http", "target": live_server + "/healthz",
                       "interval_s": 5})
        collector = start_process(["collect"], process_env(database_url, tmp_root,
                                                           JADUGAR_COLLECTOR_NAME="e2e"),
                                  tmp_root / "collector-e2e.log")
        result = _wait_for(got, "check_result", lambda d: d["application"] == "live-app", 40)
        assert any(r["check_id"] == check["id"] and r["status"] == "up"
                   for r in result["results"])
    finally:
        if collector:
            stop_process(collector)
        sio.disconnect()
