"""Finding 2: a hundred strangers holding raw Engine.IO WebSockets (answering pings, never
connecting a namespace) must not take the web server down. Before the fix each such socket
held one of gunicorn's 64 threads, and /healthz and /login stopped answering."""

import pytest
import websocket
from socket_support import PingAnswerer, http_status, open_raw

pytestmark = pytest.mark.slow


def test_it_keeps_answering_while_a_hundred_strangers_hold_sockets(live_server):
    holder = PingAnswerer()
    refused: list[int] = []
    try:
        for _ in range(100):
            try:
                holder.sockets.append(open_raw(live_server, timeout_s=2))
            except websocket.WebSocketBadStatusException as exc:
                refused.append(exc.status_code)
            except (websocket.WebSocketTimeoutException, OSError):
                refused.append(0)  # the server did not even answer the handshake
        # Generous timeouts: this asserts that they answer at all, not how fast.
        assert http_status(live_server + "/healthz", timeout_s=10) == 200
        assert http_status(live_server + "/login", timeout_s=10) == 200
        assert refused == [401] * 100, "every stranger is refused before the upgrade"
    finally:
        holder.close()
