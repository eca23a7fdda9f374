"""websocket opens a real WebSocket (an aiohttp echo server on loopback) through the probes'
guarded session, optionally sends a message and expects text in the first one back."""

import ssl
from collections.abc import Iterator

import aiohttp
import pytest
from aiohttp import web
from background_loop import BackgroundLoop
from checktype_probes import METADATA, check, free_port, self_signed

from jadugar.checks import registry
from jadugar.services import redact


def _app() -> web.Application:
    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                await ws.send_str(f"echo: {msg.data}")
        return ws

    async def greeter(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(f"hello {request.headers.get('X-Team', 'stranger')}")
        await ws.receive()  # hold the socket until the probe hangs up
        return ws

    async def closer(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.close()
        return ws

    async def plain(request: web.Request) -> web.Response:
        return web.Response(status=403, text="no sockets here")

    app = web.Application()
    app.router.add_get("/echo", echo)
    app.router.add_get("/greet", greeter)
    app.router.add_get("/close", closer)
    app.router.add_get("/plain", plain)
    return app


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The app over ws:// and over wss:// with a self-signed certificate."""
    cert, key = self_signed()
    folder = tmp_path_factory.mktemp("ws-tls")
    (folder / "cert.pem").write_text(cert)
    (folder / "key.pem").write_text(key)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    loop = BackgroundLoop()

    async def start() -> tuple[web.AppRunner, dict[str, str]]:
        runner = web.AppRunner(_app(), shutdown_timeout=0.1)
        await runner.setup()
        urls = {}
        for scheme, context in (("ws", None), ("wss", tls)):
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
            await site.start()
            urls[scheme] = f"{scheme}://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return runner, urls

    runner, urls = loop.call(start())
    yield urls
    loop.call(runner.cleanup())
    loop.stop()


@pytest.fixture(scope="module")
def base(bases) -> str:
    return bases["ws"]


def test_it_connects(base):
    result = check("websocket", f"{base}/echo")
    assert (result.status, result.error, result.status_code) == ("up", None, 101)
    assert result.details == {"ip": "127.0.0.1", "connected": True}


def test_it_sends_a_message_and_expects_text_in_the_reply(base):
    result = check("websocket", f"{base}/echo", options={"send": "ping 42"},
                   expect={"message_contains": "echo: ping 42"})
    assert (result.status, result.error) == ("up", None)
    assert result.details["message_bytes"] == len("echo: ping 42")


def test_it_is_down_when_the_reply_lacks_the_text(base):
    result = check("websocket", f"{base}/echo", options={"send": "ping"},
                   expect={"message_contains": "pong"})
    assert (result.status, result.error) == ("down",
                                             "message 'echo: ping' does not contain 'pong'")


def test_it_waits_for_a_message_the_server_sends_first_with_the_given_headers(base):
    result = check("websocket", f"{base}/greet", options={"headers": {"X-Team": "ops"}},
                   expect={"message_contains": "hello ops"})
    assert (result.status, result.error) == ("up", None)


def test_it_is_down_when_the_server_closes_without_a_message(base):
    result = check("websocket", f"{base}/close", expect={"message_contains": "x"})
    assert result.status == "down" and result.error.startswith("no message came back")


def test_it_is_down_when_a_reply_never_comes(base):
    result = check("websocket", f"{base}/echo", expect={"message_contains": "x"}, timeout_s=0.5)
    assert (result.status, result.error) == ("down", "timed out after 0.5 s")


def test_it_names_a_refused_handshake(base):
    result = check("websocket", f"{base}/plain")
    assert (result.status, result.status_code) == ("down", 403)
    assert result.error == "the server refused the WebSocket handshake (403)"


def test_it_speaks_wss_and_verifies_the_certificate_unless_told_not_to(bases):
    url = f"{bases['wss']}/echo"
    unverified = check("websocket", url, options={"verify_tls": False, "send": "hi"},
                       expect={"message_contains": "echo: hi"})
    assert (unverified.status, unverified.error) == ("up", None)
    verified = check("websocket", url)
    assert verified.status == "down" and "certificate verify failed" in verified.error


def test_it_is_down_when_nothing_listens():
    result = check("websocket", f"ws://127.0.0.1:{free_port()}/")
    assert result.status == "down" and result.error.endswith("connection refused")


def test_it_refuses_the_metadata_address_before_connecting():
    assert check("websocket", "ws://169.254.169.254/socket").error == METADATA


def test_it_hides_the_message_it_sends_and_secret_headers():
    shown = redact.options({"send": '{"token": "s3cret"}',
                            "headers": {"Authorization": "Bearer s3cret", "X-Team": "ops"}})
    assert shown == {"send": "***", "headers": {"Authorization": "***", "X-Team": "ops"}}


@pytest.mark.parametrize("target", ["http://x.test/socket", "x.test", "ws:// x"])
def test_it_refuses_a_target_that_is_not_a_websocket_url(target):
    with pytest.raises(ValueError):
        registry.get("websocket").target.parse(target)


@pytest.mark.parametrize(("kind", "target", "example"), [
    ("websocket", "https://x.test/", "wss://example.com/socket"),
    ("browser", "wss://x.test/", "https://example.com/"),
    ("browser", "https://x.test/a b", "https://example.com/"),
])
def test_url_targets_name_the_form_they_want(kind, target, example):
    with pytest.raises(ValueError, match=f"target must be a URL like {example}"):
        registry.get(kind).target.parse(target)


@pytest.mark.parametrize(("kind", "target"), [("websocket", "wss://x.test:8443/socket"),
                                              ("browser", "http://x.test/page")])
def test_url_targets_give_their_host(kind, target):
    assert registry.get(kind).target.parse(target) == "x.test"
