"""A report posted through the API reaches a Socket.IO client in the project's room as a
`tests` event with the report's counts (what the pages redraw on)."""

import json
import queue
import time
import urllib.request

import pytest
import socketio
from junit_support import report

pytestmark = pytest.mark.slow


def _call(base, token, method, path, body: bytes, content_type="application/json"):
    req = urllib.request.Request(base + "/api/v1" + path, method=method, data=body,
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def test_it_pushes_a_tests_event_when_a_report_arrives(live_server, make_token):
    admin, reader = make_token("admin"), make_token("read")
    got: queue.Queue = queue.Queue()
    sio = socketio.Client(reconnection=False)
    sio.on("tests", got.put)
    sio.connect(live_server, auth={"token": reader}, transports=["websocket"],
                headers={"Authorization": f"Bearer {reader}"}, wait_timeout=10)
    try:
        sio.call("subscribe", {"rooms": ["project:junit-live"]}, timeout=5)
        _call(live_server, admin, "POST", "/projects",
              json.dumps({"slug": "junit-live", "name": "Live"}).encode())
        build = _call(live_server, admin, "POST", "/projects/junit-live/builds",
                      json.dumps({"status": "running"}).encode())["id"]
        _call(live_server, admin, "POST", f"/builds/{build}/tests", report("a", "b:failed"),
              "application/xml")
        deadline = time.monotonic() + 10
        while True:
            data = got.get(timeout=max(0.1, deadline - time.monotonic()))
            if data["build"] == build:
                break
        assert (data["project"], data["tests"], data["failed"]) == ("junit-live", 2, 1)
    finally:
        sio.disconnect()
