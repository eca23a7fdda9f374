"""Finding 2: a live-update socket is refused at its handshake, before any upgrade, unless it
brings a signed-in session, a live API token (header or `token` query parameter), or
anonymous view is on. Before the fix every handshake was admitted and only the namespace
connect, after the upgrade, checked credentials."""

import pytest
import websocket
from socket_support import handshake_status, open_raw, session_cookie

from jadugar import auth

pytestmark = pytest.mark.slow


def test_it_refuses_a_polling_handshake_without_credentials(live_server):
    assert handshake_status(live_server) == 401


def test_it_refuses_a_websocket_upgrade_without_credentials(live_server):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        open_raw(live_server)
    assert refused.value.status_code == 401


def test_it_refuses_a_wrong_token_even_with_anonymous_view_off(live_server):
    assert handshake_status(live_server, {"Authorization": "Bearer jdg_wrong"}) == 401
    assert handshake_status(live_server, token="jdg_wrong") == 401


def test_it_admits_a_token_in_the_header_or_the_query(live_server, make_token):
    token = make_token("read")
    assert handshake_status(live_server, {"Authorization": f"Bearer {token}"}) == 200
    assert handshake_status(live_server, token=token) == 200
    ws = open_raw(live_server, headers=[f"Authorization: Bearer {token}"])
    ws.close()


def test_it_admits_a_signed_in_browser_session(live_server, engine, clean_db):
    with engine.begin() as c:
        auth.create_user(c, "sockuser", "viewer", "correct horse")
    cookie = session_cookie(live_server, "sockuser", "correct horse")
    assert handshake_status(live_server, {"Cookie": cookie}) == 200
