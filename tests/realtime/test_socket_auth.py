"""Real Socket.IO clients against a real `jadugar serve`; events come from the services that
write builds and notes, committed or rolled back."""

import queue

import pytest
import socketio

from jadugar import events
from jadugar.services import builds, projects, status_updates


def _bearer(token: str) -> dict[str, str]:
    # The token must reach the handshake (header or query): the `auth` payload arrives only
    # after the upgrade, too late for the gate that refuses strangers.
    return {"Authorization": f"Bearer {token}"}


def _client(events=("build", "status_update", "check_result")):
    sio = socketio.Client(reconnection=False)
    got: queue.Queue = queue.Queue()
    for name in events:
        sio.on(name, lambda data, name=name: got.put((name, data)))
    return sio, got


@pytest.fixture
def web_project(engine, clean_db) -> str:
    with engine.begin() as c:
        projects.create_project(c, {"slug": "web", "name": "Web"})
    return "web"


def test_it_refuses_a_socket_without_credentials(live_server):
    sio, _ = _client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(live_server, transports=["websocket"], wait_timeout=5)


def test_it_refuses_a_socket_with_a_bad_token(live_server):
    sio, _ = _client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(live_server, auth={"token": "jdg_wrong"}, transports=["websocket"],
                    wait_timeout=5)


def test_it_delivers_committed_events_to_the_dashboard_room(live_server, make_token, engine,
                                                            web_project):
    sio, got = _client()
    token = make_token("read")
    sio.connect(live_server, auth={"token": token}, headers=_bearer(token),
                transports=["websocket"], wait_timeout=5)
    try:
        with engine.begin() as c:
            row, _ = builds.submit(c, web_project, {"external_id": "7", "status": "running",
                                                    "progress": 40})
        name, data = got.get(timeout=5)
        assert name == "build" and data["id"] == row.id and data["progress"] == 40
        assert data["at"]
    finally:
        sio.disconnect()


def test_it_never_delivers_a_rolled_back_event(live_server, make_token, engine, web_project):
    sio, got = _client()
    token = make_token("read")
    sio.connect(live_server, auth={"token": token}, headers=_bearer(token),
                transports=["websocket"], wait_timeout=5)
    try:
        with engine.connect() as c:
            trans = c.begin()
            builds.submit(c, web_project, {"external_id": "1", "status": "failed"})
            trans.rollback()
        with engine.begin() as c:
            kept, _ = builds.submit(c, web_project, {"external_id": "2", "status": "success"})
        assert got.get(timeout=5)[1]["id"] == kept.id
    finally:
        sio.disconnect()


def test_it_sends_detail_events_only_to_subscribers(live_server, make_token, engine,
                                                    web_project):
    token = make_token("read")
    subscribed, got = _client()
    other, other_got = _client()
    subscribed.connect(live_server, auth={"token": token}, headers=_bearer(token),
                       transports=["websocket"], wait_timeout=5)
    other.connect(live_server, auth={"token": token}, headers=_bearer(token),
                  transports=["websocket"], wait_timeout=5)
    try:
        ack = subscribed.call("subscribe", {"rooms": ["project:web", "admin-secrets",
                                                      "application:x y"]}, timeout=5)
        assert ack == {"rooms": ["project:web"]}  # malformed rooms are not joined
        with engine.begin() as c:
            status_updates.post_note(c, web_project, {"message": "deploy paused"})
        assert got.get(timeout=5)[0] == "status_update"
        with pytest.raises(queue.Empty):
            other_got.get(timeout=1)
    finally:
        subscribed.disconnect()
        other.disconnect()


@pytest.mark.parametrize("path,rooms", [
    ("/builds/web", ["project:web"]), ("/builds/web/12", ["project:web"]),
    ("/monitoring/search", ["application:search"]), ("/monitoring/metrics", []),
    ("/", []), (None, []),
])
def test_it_maps_pages_to_rooms(path, rooms):
    assert events.rooms_for_path(path) == rooms


def test_it_refuses_a_cross_origin_socket_by_default(live_server, make_token):
    sio, _ = _client()
    token = make_token("read")
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(live_server, auth={"token": token}, transports=["websocket"],
                    headers={"Origin": "http://evil.example", **_bearer(token)}, wait_timeout=5)
