"""`jadugar serve --workers 2`: socket clients land on both worker processes, with no sticky
sessions (WebSocket transport only), and an API write reaches every one of them, because
each worker LISTENs for its own events."""

import time

import pytest
from support_processes import process_env, serving
from support_sockets import api_call, connect_over_workers

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
