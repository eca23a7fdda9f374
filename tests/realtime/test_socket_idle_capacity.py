"""Finding 2, the serving model: an open socket no longer holds a thread. 150 signed-in
Socket.IO clients sit idle (namespace connected, answering pings) while /healthz and /login
keep answering. Before the fix gunicorn ran 64 threads and each socket held one, so the
65th client, and every page after it, waited."""

import json

import pytest
import websocket
from socket_support import PingAnswerer, http_status, open_raw

pytestmark = pytest.mark.slow
SOCKETS, PER_TOKEN = 150, 19  # under the default cap of 20 sockets per token


def _idle_client(base: str, token: str) -> websocket.WebSocket:
    """A raw Socket.IO client: handshake with the token, connect the namespace, then idle."""
    ws = open_raw(base, headers=[f"Authorization: Bearer {token}"], timeout_s=3)
    assert ws.recv().startswith("0")  # Engine.IO open
    ws.send("40" + json.dumps({"token": token}))
    assert ws.recv().startswith("40")  # Socket.IO namespace connected
    return ws


def test_it_serves_pages_while_150_signed_in_sockets_sit_idle(live_server, make_token):
    tokens = [make_token("read") for _ in range(-(-SOCKETS // PER_TOKEN))]
    holder = PingAnswerer()
    try:
        for i in range(SOCKETS):
            try:
                ws = _idle_client(live_server, tokens[i // PER_TOKEN])
            except (websocket.WebSocketTimeoutException, OSError):
                break  # the server stopped answering handshakes
            holder.sockets.append(ws)
        # Generous timeouts: this asserts that they answer at all, not how fast.
        assert http_status(live_server + "/healthz", timeout_s=10) == 200
        assert http_status(live_server + "/login", timeout_s=10) == 200
        assert len(holder.sockets) == SOCKETS
    finally:
        holder.close()
