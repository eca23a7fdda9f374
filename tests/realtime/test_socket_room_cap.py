"""Finding 10: a socket may be in at most 100 detail rooms; the subscribe past that is answered
with an error and joins nothing. Before the fix joins were unbounded (50 per message, any
number of messages): 2,000 subscribes grew the web process by 68 MB."""

import queue

import pytest
import socketio
from socket_support import api_call

pytestmark = pytest.mark.slow


@pytest.fixture
def reader(live_server, make_token):
    got: queue.Queue = queue.Queue()
    sio = socketio.Client(reconnection=False)
    sio.on("milestone", got.put)  # a detail event: sent to its project room only
    token = make_token("read")
    sio.connect(live_server, headers={"Authorization": f"Bearer {token}"},
                auth={"token": token}, transports=["websocket"], wait_timeout=10)
    yield sio, got
    sio.disconnect()


def _rooms(start: int, count: int) -> list[str]:
    return [f"project:p{i}" for i in range(start, start + count)]


def test_it_refuses_the_101st_room(reader, live_server, make_token):
    sio, got = reader
    assert sio.call("subscribe", {"rooms": _rooms(0, 50)}, timeout=5) == {"rooms": _rooms(0, 50)}
    assert sio.call("subscribe", {"rooms": _rooms(50, 50)}, timeout=5)["rooms"] == _rooms(50, 50)
    refused = sio.call("subscribe", {"rooms": ["project:one-too-many"]}, timeout=5)
    assert refused["rooms"] == [] and refused["error"]["code"] == "too_many_rooms"

    # Still subscribed to the hundred: an API write reaches the last one, not the refused one.
    admin = make_token("admin")
    for slug in ("one-too-many", "p99"):
        api_call(live_server, admin, "POST", "/projects", {"slug": slug, "name": slug})
    api_call(live_server, admin, "POST", "/projects/one-too-many/milestones", {"title": "no"})
    api_call(live_server, admin, "POST", "/projects/p99/milestones", {"title": "yes"})
    assert got.get(timeout=10)["project"] == "p99"
    with pytest.raises(queue.Empty):
        got.get(timeout=1)

    sio.call("unsubscribe", {"rooms": ["project:p0"]}, timeout=5)
    again = sio.call("subscribe", {"rooms": ["project:one-too-many"]}, timeout=5)
    assert again == {"rooms": ["project:one-too-many"]}


def test_it_refuses_a_single_subscribe_of_more_than_100_rooms(reader):
    sio, _ = reader
    answer = sio.call("subscribe", {"rooms": _rooms(0, 101)}, timeout=5)
    assert answer["rooms"] == [] and answer["error"]["code"] == "too_many_rooms"
    assert sio.call("subscribe", {"rooms": _rooms(0, 100)}, timeout=5)["rooms"] == _rooms(0, 100)
