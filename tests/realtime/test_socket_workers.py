"""`jadugar serve --workers 2`: socket clients land on both worker processes, with no sticky
sessions (WebSocket transport only), and an API write reaches every one of them, because
each worker LISTENs for its own events."""

import json
import time
import urllib.request

import pytest
from support_processes import process_env, serving, session_cookie
from support_sockets import api_call, connect_over_workers

from jadugar import auth

pytestmark = pytest.mark.slow


def test_it_delivers_an_api_write_to_clients_on_every_worker(
        database_url, make_token, tmp_path):
    admin, reader = make_token("admin"), make_token("read")
    env = process_env(database_url, tmp_path, JADUGAR_SOCKETS_PER_CLIENT="100")
    with serving(env, tmp_path, workers=2) as base:
        clients, inboxes = connect_over_workers(base, reader, workers=2, events=("build",))
        try:
            api_call(base, admin, "POST", "/projects", {"slug": "workers", "name": "Workers"})
            for progress in (10, 60):  # twice: a second write is not a lucky first
                build = api_call(base, admin, "POST", "/projects/workers/builds",
                                 {"status": "running", "progress": progress})
                deadline = time.monotonic() + 10
                missed = [i for i, inbox in enumerate(inboxes) if not inbox.wait_for(
                    lambda _e, d, id_=build["id"]: d.get("id") == id_,
                    max(0.1, deadline - time.monotonic()))]
                assert not missed, (f"clients {missed} of {len(inboxes)} missed build "
                                    f"{build['id']}")
        finally:
            for client in clients:
                client.disconnect()


def _move_to_page(base: str, cookie: str, sid: str, pathname: str) -> None:
    """What the shell's Dash callback does when a page opens: its request reaches whichever
    worker accepts it, not necessarily the one holding the socket."""
    body = {"output": "shell-rooms.data", "outputs": {"id": "shell-rooms", "property": "data"},
            "inputs": [{"id": "shell-url", "property": "pathname", "value": pathname},
                       {"id": "shell-sio", "property": "socketId", "value": sid}],
            "state": [], "changedPropIds": ["shell-url.pathname"]}
    req = urllib.request.Request(base + "/_dash-update-component", method="POST",
                                 data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Cookie": cookie})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200


def test_it_moves_a_socket_into_its_page_rooms_from_any_worker(
        database_url, make_token, engine, tmp_path):
    admin, reader = make_token("admin"), make_token("read")
    with engine.begin() as c:
        auth.create_user(c, "walker", "viewer", "walker-pass-1")
    env = process_env(database_url, tmp_path, JADUGAR_SOCKETS_PER_CLIENT="100")
    with serving(env, tmp_path, workers=2) as base:
        cookie = session_cookie(base, "walker", "walker-pass-1")
        clients, inboxes = connect_over_workers(base, reader, workers=2,
                                                events=("status_update",))
        try:
            api_call(base, admin, "POST", "/projects", {"slug": "rooms", "name": "Rooms"})
            for client in clients:  # each request lands on either worker
                _move_to_page(base, cookie, client.get_sid(), "/builds/rooms")
            time.sleep(1)  # a move through PostgreSQL is asynchronous
            build = api_call(base, admin, "POST", "/projects/rooms/builds",
                             {"status": "running"})
            api_call(base, admin, "PATCH", f"/builds/{build['id']}", {"status": "success"})
            # status_update goes to the project's room only, not to the dashboard.
            missed = [i for i, inbox in enumerate(inboxes) if not inbox.wait_for(
                lambda _e, d: d.get("project") == "rooms", 10)]
            assert not missed, f"clients {missed} of {len(inboxes)} were never moved"
        finally:
            for client in clients:
                client.disconnect()
