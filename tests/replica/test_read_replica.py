"""With JADUGAR_READ_DATABASE_URL on a real streaming replica, pages and exports read the
replica while writes, sign-in and live events use the primary. Replay is paused on the
replica to make its lag visible: a write succeeds and is pushed live at once, exports and
pages show it only once replay resumes, and the browser that wrote sees it at once."""

from __future__ import annotations

import json
import queue
import urllib.request
from collections.abc import Iterator

import pytest
import socketio
from policy_support import body, find
from replica_support import wait_until
from sqlalchemy import text
from support_processes import session_cookie

from jadugar.web.read_routing import COOKIE

pytestmark = pytest.mark.slow

TABLE = "builds-project-table.children <- builds-project-range"
NOTE = "shell-replica-note.children <- shell-replica-note-poll"


def _request(base: str, path: str, method: str = "GET", data: dict | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, str]:
    req = urllib.request.Request(
        base + path, method=method, data=json.dumps(data).encode() if data is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _api(base: str, token: str, method: str, path: str, data: dict | None = None) -> dict:
    status, raw = _request(base, "/api/v1" + path, method, data,
                           {"Authorization": f"Bearer {token}"})
    assert status < 300, (status, raw)
    return json.loads(raw) if raw else {}


def _export(base: str, token: str, path: str) -> str:
    status, raw = _request(base, "/api/v1" + path, headers={"Authorization": f"Bearer {token}"})
    assert status == 200, (status, raw)
    return raw


class Browser:
    """A signed-in browser calling Dash callbacks over HTTP, with or without the cookie its
    own write earned (jadugar/web/read_routing.py)."""

    def __init__(self, base: str) -> None:
        self.base = base
        cookies = dict(part.split("=", 1) for part in
                       session_cookie(base, "rita", "replica-pass-1").split("; "))
        self.wrote = cookies.pop(COOKIE, None)  # signing in is a write too
        self.session = "; ".join(f"{k}={v}" for k, v in cookies.items())
        _, raw = _request(base, "/_dash-dependencies", headers={"Cookie": self.session})
        self.deps = [d for d in json.loads(raw) if not d.get("clientside_function")]

    def call(self, key: str, values: dict, fresh: bool = False) -> str:
        dep = find(self.deps, key)
        first = dep["inputs"][0]
        payload = body(dep, values, changed=[f"{first['id']}.{first['property']}"])
        cookie = self.session + (f"; {COOKIE}={self.wrote}" if fresh else "")
        status, raw = _request(self.base, "/_dash-update-component", "POST", payload,
                               {"Cookie": cookie})
        assert status == 200, (status, raw[:500])
        return raw


def _table(browser: Browser, fresh: bool = False) -> str:
    return browser.call(TABLE, {"builds-project-range": "30d", "builds-project-unit": "day",
                                "builds-project-page": 1, "shell-tz": "UTC",
                                "builds-project-slug": "rep"}, fresh=fresh)


def _note(browser: Browser) -> str:
    return browser.call(NOTE, {"shell-replica-note-poll": 1, "shell-url": "/builds/rep"})


@pytest.fixture(scope="module")
def project(replica_server, admin_token, replicated) -> str:
    """The project the build tests write to, on the replica before replay pauses."""
    _api(replica_server, admin_token, "POST", "/projects", {"slug": "rep", "name": "Rep"})
    with replicated.replica.connect() as c:
        wait_until(lambda: c.execute(text("select 1 from projects where slug = 'rep'"))
                   .first(), 20, what="the project on the replica")
    return "rep"


@pytest.fixture
def paused(replicated) -> Iterator[None]:
    """Replay stopped on the replica: it keeps receiving WAL but applies none of it."""
    with replicated.replica.connect() as c:
        c.execute(text("select pg_wal_replay_pause()"))
        wait_until(lambda: c.execute(text("select pg_get_wal_replay_pause_state()"))
                   .scalar_one() == "paused", 10, what="replay paused")
    try:
        yield
    finally:
        with replicated.replica.connect() as c:
            c.execute(text("select pg_wal_replay_resume()"))


def _resume(replicated) -> None:
    with replicated.replica.connect() as c:
        c.execute(text("select pg_wal_replay_resume()"))


def test_it_reads_exports_from_the_replica_and_writes_to_the_primary(
        replica_server, admin_token, replicated, paused):
    base, token = replica_server, admin_token
    _api(base, token, "POST", "/applications", {"slug": "depot", "name": "Depot"})
    assert _api(base, token, "GET", "/applications/depot")["name"] == "Depot"  # the primary

    assert "depot" not in _export(base, token, "/exports/overview.csv")  # the replica

    _resume(replicated)
    wait_until(lambda: "depot" in _export(base, token, "/exports/overview.csv"), 20,
               what="the application in the export after replay resumed")


def test_it_pushes_writes_live_while_the_replica_is_paused(
        replica_server, admin_token, replicated, project, paused):
    base, token = replica_server, admin_token
    got: queue.Queue = queue.Queue()
    sio = socketio.Client(reconnection=False)
    sio.on("build", lambda data: got.put(data))
    sio.connect(base, auth={"token": token}, transports=["websocket"],
                headers={"Authorization": f"Bearer {token}"}, wait_timeout=10)
    try:
        sio.call("subscribe", {"rooms": ["project:rep"]}, timeout=5)
        build = _api(base, token, "POST", "/projects/rep/builds",
                     {"status": "running", "branch": "live-branch", "number": 7})
        _api(base, token, "PATCH", f"/builds/{build['id']}", {"status": "success"})
        wait_until(lambda: _drain(got, build["id"], "success"), 10, what="the live event")
    finally:
        sio.disconnect()

    assert "live-branch" not in _builds_csv(base, token)  # still the replica's view

    _resume(replicated)
    wait_until(lambda: "live-branch" in _builds_csv(base, token), 20,
               what="the build in the export after replay resumed")


def _drain(got: queue.Queue, build_id: int, status: str) -> bool:
    while not got.empty():
        data = got.get_nowait()
        if data.get("id") == build_id and data.get("status") == status:
            return True
    return False


def _builds_csv(base: str, token: str) -> str:
    """The project's builds export without its header line."""
    return "\n".join(_export(base, token, "/projects/rep/builds.csv").splitlines()[1:])


def test_it_shows_a_page_from_the_replica_but_the_writers_own_change_at_once(
        replica_server, admin_token, replicated, project, paused):
    base, token = replica_server, admin_token
    browser = Browser(base)
    assert browser.wrote, "signing in should have earned the read-your-writes cookie"
    _api(base, token, "POST", "/projects/rep/builds", {"status": "failed", "number": 8,
                                                       "branch": "lagging"})

    assert "lagging" not in _table(browser)  # the replica
    assert "lagging" in _table(browser, fresh=True)  # the primary, after its own write
    wait_until(lambda: "may be up to" in _note(browser), 10, what="the lag note")

    _resume(replicated)
    wait_until(lambda: "lagging" in _table(browser), 20, what="the build on the page")
    wait_until(lambda: "may be up to" not in _note(browser), 20, what="the note to go")
