"""ssh reads the identification line of a real local server (an asyncio server on loopback
that speaks the first line of SSH), without logging in."""

import asyncio
import queue
from collections.abc import Iterator

import pytest
from background_loop import BackgroundLoop
from checktype_probes import METADATA, check, free_port

BANNER = b"SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n"


def _server(loop: BackgroundLoop, lines: bytes) -> tuple[asyncio.Server, queue.Queue]:
    heard: queue.Queue[bytes] = queue.Queue()  # the server's thread hears after check returns

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(lines)
        await writer.drain()
        heard.put(await reader.readline())
        writer.close()

    async def start() -> asyncio.Server:
        return await asyncio.start_server(handler, "127.0.0.1", 0)

    return loop.call(start()), heard


@pytest.fixture(scope="module")
def servers() -> Iterator[dict]:
    loop = BackgroundLoop()
    made = {"ssh": _server(loop, BANNER),
            "chatty": _server(loop, b"Welcome to the bastion\r\nAuthorized use only\r\n"
                                    + BANNER),
            "http": _server(loop, b"HTTP/1.1 400 Bad Request\r\n\r\n"),
            "old": _server(loop, b"SSH-1.5-ancient\r\n")}
    yield {name: (f"127.0.0.1:{s.sockets[0].getsockname()[1]}", heard)
           for name, (s, heard) in made.items()}
    for server, _ in made.values():
        server.close()
    loop.stop()


def test_it_reads_the_identification_line_and_says_its_own(servers):
    target, heard = servers["ssh"]
    result = check("ssh", target, expect={"banner_contains": "OpenSSH"})
    assert (result.status, result.error) == ("up", None)
    assert result.details == {"ip": "127.0.0.1", "connected": True,
                              "banner": "SSH-2.0-OpenSSH_9.6p1 Debian-3"}
    assert heard.get(timeout=5) == b"SSH-2.0-JadugarProbe\r\n"


def test_it_skips_the_lines_a_server_sends_before_its_identification(servers):
    assert check("ssh", servers["chatty"][0]).status == "up"


def test_it_is_down_when_the_banner_lacks_the_expected_text(servers):
    result = check("ssh", servers["ssh"][0], expect={"banner_contains": "Dropbear"})
    assert result.status == "down" and "does not contain 'Dropbear'" in result.error


def test_it_is_down_for_a_server_that_is_not_ssh(servers):
    result = check("ssh", servers["http"][0])
    assert (result.status, result.error) == ("down",
                                             "the server sent no SSH identification line")


def test_it_is_down_for_an_ssh_1_server(servers):
    result = check("ssh", servers["old"][0])
    assert (result.status, result.error) == ("down", "not an SSH-2 server: 'SSH-1.5-ancient'")


def test_it_is_down_when_nothing_listens():
    assert check("ssh", f"127.0.0.1:{free_port()}").error == "connection refused"


def test_it_refuses_the_metadata_address_before_connecting():
    assert check("ssh", "169.254.169.254").error == METADATA
