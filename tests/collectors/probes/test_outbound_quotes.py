"""An error text quotes at most 64 characters of what a target sent: never a body, header,
banner or metrics line wholesale, so a viewer reading a check's error reads no secrets."""

import asyncio
from collections.abc import Callable, Iterator

import pytest
from aiohttp import web

from collectors.probes import Result

Check = Callable[..., Result]
SECRET = "fake+SECRET+wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLE"
CREDS = {"Code": "Success", "LastUpdated": "2026-01-01T00:00:00Z", "Type": "AWS-HMAC",
         "AccessKeyId": "ASIAFAKEFAKEFAKE0001", "SecretAccessKey": SECRET}
QUOTE = 64


@pytest.fixture(scope="module")
def leaky(server_loop) -> Iterator[str]:
    async def creds(request: web.Request) -> web.Response:
        return web.json_response({"data": CREDS})

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(text=f'up{{token="{SECRET * 3}" 1\n')

    async def start() -> tuple[web.AppRunner, str]:
        app = web.Application()
        app.router.add_get("/creds", creds)
        app.router.add_get("/metrics", metrics)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    runner, url = server_loop.call(start())
    yield url
    server_loop.call(runner.cleanup())


def _serve_line(server_loop, line: bytes) -> Iterator[str]:
    """A TCP server that answers every connection with one line (a banner, a reply)."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(line)
        await writer.drain()
        await reader.read(1024)
        writer.close()

    async def start() -> asyncio.Server:
        return await asyncio.start_server(handler, "127.0.0.1", 0)

    server = server_loop.call(start())
    yield f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    server.close()


@pytest.fixture
def ssh_banner(server_loop) -> Iterator[str]:
    yield from _serve_line(server_loop, f"SSH-2.0-OpenSSH_9.6 {SECRET * 4}\r\n".encode())


@pytest.fixture
def chatty_redis(server_loop) -> Iterator[str]:
    yield from _serve_line(server_loop, f"-ERR {SECRET * 4}\r\n".encode())


def test_it_quotes_no_more_than_64_characters_of_a_json_value(check: Check, leaky: str) -> None:
    result = check("http", f"{leaky}/creds", expect={"json_path": "data", "json_value": "ok"})
    assert result.status == "down"
    assert result.error.startswith("expected data == 'ok', got {'Code': 'Success'")
    quoted = result.error.split(", got ", 1)[1]
    assert len(quoted.rstrip("…")) <= QUOTE
    assert SECRET not in result.error and "ASIAFAKE" not in result.error


def test_it_quotes_no_more_than_64_characters_of_a_banner(check: Check,
                                                          ssh_banner: str) -> None:
    result = check("http", f"http://{ssh_banner}/")
    assert result.status == "down"
    assert result.error.startswith("invalid HTTP response: ")
    assert SECRET not in result.error
    assert len(result.error.removeprefix("invalid HTTP response: ").rstrip("…")) <= QUOTE


def test_it_quotes_no_more_than_64_characters_of_a_redis_reply(check: Check,
                                                               chatty_redis: str) -> None:
    result = check("redis", chatty_redis)
    assert result.status == "down"
    assert result.error.startswith("expected +PONG, got redis error 'ERR fake+SECRET")
    assert result.error.endswith(f"… ({len(SECRET) * 4 + 4} chars)")
    quoted = result.error.split("redis error '", 1)[1].rsplit("'…", 1)[0]
    assert len(quoted) == QUOTE


def test_it_quotes_no_more_than_64_characters_of_a_metrics_line(check: Check,
                                                                leaky: str) -> None:
    result = check("prometheus", f"{leaky}/metrics")
    assert result.status == "down"
    assert result.error.startswith("cannot parse metrics: line 1: ")
    assert SECRET not in result.error
    assert len(result.error.removeprefix("cannot parse metrics: ").rstrip("…")) <= QUOTE
