"""docs/deploy/nginx.conf works as documented: nginx terminates TLS in front of two
`jadugar serve` processes without sticky sessions; plain HTTP is sent to HTTPS; requests
reach both processes; a signed-in browser's session works on either; its cookie is Secure;
and a Socket.IO client on the WebSocket transport through nginx gets every event, whichever
process served the write."""

from __future__ import annotations

import contextlib
import json
import queue
import re
import time
import urllib.request
from pathlib import Path

import pytest
import requests
import socketio
from nginx_support import nginx_binary, running_nginx, status_of
from support_processes import free_port, process_env, serving, session_cookie

from jadugar import auth

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(nginx_binary() is None,
                                 reason="nginx is not installed (tests/run.sh installs it)")]


@pytest.fixture
def behind_nginx(database_url, clean_db, tmp_root, tmp_path, monkeypatch):
    """Two web processes and nginx in front; urllib trusts the test's certificate. The
    tables are emptied after the processes stop (clean_db is set up first)."""
    tmp_path.chmod(0o755)
    env = process_env(database_url, tmp_root, JADUGAR_TRUSTED_PROXIES="1")
    with serving(env, tmp_root) as one, serving(env, tmp_root) as two:
        ports = (int(one.rsplit(":", 1)[1]), int(two.rsplit(":", 1)[1]))
        http_port = free_port()
        with running_nginx(tmp_path, http_port, free_port(), ports) as base:
            monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))
            yield base, http_port, ports, tmp_path


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def _api(base: str, token: str, method: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(base + "/api/v1" + path, method=method,
                                 data=json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def _upstreams(folder: Path) -> set[str]:
    log = (folder / "access.log").read_text()
    return {m.rsplit(":", 1)[1] for m in re.findall(r"^(127\.0\.0\.1:\d+) ", log, re.M)}


def test_it_serves_pages_over_tls_from_both_processes(behind_nginx, engine):
    base, http_port, ports, folder = behind_nginx
    status, headers = status_of(f"http://127.0.0.1:{http_port}/login")
    assert status == 301 and headers["Location"].startswith("https://")

    for _ in range(6):
        assert _get(base + "/healthz")[0] == 200
    _, headers, page = _get(base + "/login")
    assert 'name="csrf_token"' in page
    assert "Secure" in headers["Set-Cookie"]  # X-Forwarded-Proto reached Jadugar
    assert "max-age" in headers["Strict-Transport-Security"]

    with engine.begin() as c:
        auth.create_user(c, "nina", "viewer", "nginx-pass-1")
    cookie = session_cookie(base, "nina", "nginx-pass-1")
    for _ in range(4):  # the same session, on whichever process
        assert _get(base + "/_dash-layout", {"Cookie": cookie})[0] == 200
    assert _get(base + "/_dash-layout")[0] != 200
    assert _upstreams(folder) == {str(p) for p in ports}


def test_it_carries_socket_io_websockets_to_either_process(behind_nginx, make_token, engine):
    """Signed in like a browser (session cookie, and the Origin the client sends for its
    wss:// URL), so Socket.IO's same-origin check sees the host nginx passed on."""
    base, _, ports, folder = behind_nginx
    admin = make_token("admin")
    with engine.begin() as c:
        auth.create_user(c, "omar", "viewer", "nginx-pass-2")
    cookie = session_cookie(base, "omar", "nginx-pass-2")
    _api(base, admin, "POST", "/projects", {"slug": "edge", "name": "Edge"})
    got: queue.Queue = queue.Queue()
    http = requests.Session()
    http.verify = str(folder / "cert.pem")
    sio = socketio.Client(reconnection=False, http_session=http)
    sio.on("build", lambda data: got.put(data))
    sio.connect(base, transports=["websocket"], headers={"Cookie": cookie}, wait_timeout=10)
    try:
        assert sio.transport() == "websocket"
        sio.call("subscribe", {"rooms": ["project:edge"]}, timeout=5)
        # Several writes: least_conn spreads them over both processes while the socket
        # stays on one; every event must still arrive.
        ids = {_api(base, admin, "POST", "/projects/edge/builds",
                    {"status": "running", "number": n})["id"] for n in range(1, 5)}
        seen: set[int] = set()
        deadline = time.monotonic() + 15
        while seen != ids and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                seen.add(got.get(timeout=0.5)["id"])
        assert seen == ids
    finally:
        sio.disconnect()
    assert _upstreams(folder) == {str(p) for p in ports}
