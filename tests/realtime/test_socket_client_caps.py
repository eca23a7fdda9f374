"""Finding 2: at most JADUGAR_SOCKETS_PER_CLIENT open sockets per API token, per user and
(for anonymous readers) per address; the next handshake gets 429. Before the fix nothing
counted sockets."""

import time

import pytest
import websocket
from socket_support import handshake_status, open_raw, own_server, session_cookie

from jadugar import auth

pytestmark = pytest.mark.slow
CAP = 3


@pytest.fixture(scope="module")
def capped_server(database_url, tmp_root):
    with own_server(database_url, tmp_root, JADUGAR_SOCKETS_PER_CLIENT=str(CAP),
                    JADUGAR_ANONYMOUS_VIEW="1") as base:
        yield base


def _refusal(base: str, headers: list[str]) -> int:
    try:
        open_raw(base, headers=headers).close()
    except websocket.WebSocketBadStatusException as exc:
        return exc.status_code
    return 101


def _fill(base: str, headers: list[str]) -> list[websocket.WebSocket]:
    return [open_raw(base, headers=headers) for _ in range(CAP)]


def _eventually_admitted(base: str, headers: list[str], timeout_s: float = 10) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _refusal(base, headers) == 101:
            return True
        time.sleep(0.2)
    return False


def test_it_refuses_one_socket_too_many_for_a_token(capped_server, make_token):
    token = make_token("read")
    mine = [f"Authorization: Bearer {token}"]
    held = _fill(capped_server, mine)
    try:
        assert _refusal(capped_server, mine) == 429
        assert handshake_status(capped_server, {"Authorization": f"Bearer {token}"}) == 429
        other = [f"Authorization: Bearer {make_token('read')}"]
        assert _refusal(capped_server, other) == 101  # another token has its own allowance
        held.pop().close()
        assert _eventually_admitted(capped_server, mine), "a closed socket frees its slot"
    finally:
        for ws in held:
            ws.close()


def test_it_refuses_one_socket_too_many_for_a_user(capped_server, engine, clean_db):
    with engine.begin() as c:
        auth.create_user(c, "capped", "viewer", "correct horse")
    cookie = [f"Cookie: {session_cookie(capped_server, 'capped', 'correct horse')}"]
    held = _fill(capped_server, cookie)
    try:
        assert _refusal(capped_server, cookie) == 429
    finally:
        for ws in held:
            ws.close()


def test_it_refuses_one_anonymous_socket_too_many_from_an_address(capped_server):
    held = _fill(capped_server, [])
    try:
        assert _refusal(capped_server, []) == 429
    finally:
        for ws in held:
            ws.close()
