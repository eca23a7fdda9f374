"""udp sends a datagram to a real local UDP server (loopback) and expects a reply, as text or
as hex bytes."""

import socket
import threading
from collections.abc import Iterator

import pytest
from checktype_probes import METADATA, check, free_port

from jadugar.checks import registry
from jadugar.errors import Invalid


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    """Replies "echo: <datagram>"; stays silent to "hush"."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                data, peer = sock.recvfrom(65536)
            except OSError:
                return  # closed at the end of the module
            if data != b"hush":
                sock.sendto(b"echo: " + data, peer)

    threading.Thread(target=serve, daemon=True).start()
    yield f"127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_it_is_up_when_a_reply_comes_back(echo):
    result = check("udp", echo, options={"send": "ping"}, expect={"reply_contains": "ping"})
    assert (result.status, result.error) == ("up", None)
    assert result.details == {"ip": "127.0.0.1", "connected": True, "reply_bytes": 10}


def test_it_is_down_when_the_reply_lacks_the_text(echo):
    result = check("udp", echo, options={"send": "ping"}, expect={"reply_contains": "pong"})
    assert (result.status, result.error) == ("down",
                                             "reply 'echo: ping' does not contain 'pong'")


def test_it_sends_and_matches_hex_bytes(echo):
    result = check("udp", echo, options={"send": "de ad be ef", "hex": True},
                   expect={"reply_contains": "DEADBEEF"})
    assert (result.status, result.error) == ("up", None)


def test_it_is_down_when_no_reply_comes(echo):
    result = check("udp", echo, options={"send": "hush"}, timeout_s=0.5)
    assert (result.status, result.error) == ("down", "timed out after 0.5 s")


def test_it_is_down_when_the_port_is_closed():
    result = check("udp", f"127.0.0.1:{free_port(socket.SOCK_DGRAM)}",
                   options={"send": "ping"}, timeout_s=2)
    assert (result.status, result.error) == ("down", "connection refused")


def test_it_refuses_the_metadata_address_before_sending():
    assert check("udp", "169.254.169.254:123", options={"send": "x"}).error == METADATA


def test_it_refuses_a_send_that_is_not_hex_in_hex_mode():
    with pytest.raises(Invalid) as err:
        registry.get("udp").validate_settings({}, {"send": "xyz", "hex": True})
    assert err.value.field == "options.send"
