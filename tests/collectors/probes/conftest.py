"""Real local targets for the probe tests, served from one background event loop."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from background_loop import BackgroundLoop
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from collectors.probes import CheckSpec, Result, make_context, run_probe

CERT_DAYS = 5
HUGE_BODY_BYTES = 50 * 1024 * 1024
METRICS = """# HELP up Whether the target is up.
# TYPE up gauge
up{job="api",instance="a"} 1
up{job="api",instance="b"} 0
# TYPE http_requests_total counter
http_requests_total{code="200"} 1027 1700000000000
http_requests_total{code="500"} 3
queue_depth NaN
"""


def make_app() -> web.Application:
    """Endpoints that behave like the services Jadugar watches, good and bad."""
    flips = iter(range(1_000_000))

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="OK: all systems go")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)
        return web.Response(text="finally")

    async def flapping(request: web.Request) -> web.Response:
        return web.Response(status=200 if next(flips) % 2 == 0 else 503)

    async def huge(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        chunk = b"x" * 65536
        try:
            for _ in range(HUGE_BODY_BYTES // len(chunk)):
                await resp.write(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the probe hung up after its 64 KiB, as it should
        return resp

    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response()

    async def echo(request: web.Request) -> web.Response:
        body = await request.text()
        return web.Response(text=f"{request.method} {request.headers.get('X-Probe')} {body}")

    def fixed(status: int = 200, **kwargs: Any) -> Callable:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(status=status, **kwargs)

        return handler

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/slow", slow)
    app.router.add_get("/500", fixed(500, text="boom"))
    app.router.add_get("/redirect", fixed(302, headers={"Location": "/ok"}))
    app.router.add_get("/flapping", flapping)
    app.router.add_get("/huge", huge)
    app.router.add_get("/hang", hang)
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/json", fixed(text='{"data": {"status": "ok"}, "items": [{"name": "a"}]}'))
    app.router.add_get("/metrics", fixed(text=METRICS))
    app.router.add_get("/metrics/broken", fixed(text="up 1\nup{job=} 2\n"))
    return app


def serve_fake_redis(password: str | None) -> Callable:
    """A RESP server that knows AUTH and PING, enough to exercise the redis probe."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        authed = password is None
        while header := await reader.readline():
            args = []
            for _ in range(int(header[1:])):
                size = int((await reader.readline())[1:])
                args.append((await reader.readexactly(size + 2))[:-2].decode())
            if args[0].upper() == "AUTH":
                authed = args[-1] == password
                writer.write(b"+OK\r\n" if authed else b"-WRONGPASS invalid password\r\n")
            elif not authed:
                writer.write(b"-NOAUTH Authentication required.\r\n")
            else:
                writer.write(b"+PONG\r\n")
            await writer.drain()
        writer.close()

    return handler


@pytest.fixture(scope="session")
def server_loop() -> Iterator[BackgroundLoop]:
    background = BackgroundLoop()
    yield background
    background.stop()


@pytest.fixture(scope="session")
def cert_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 that expires in CERT_DAYS days."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jadugar-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=CERT_DAYS))
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="session")
def server_tls(cert_files: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*cert_files)
    return ctx


@pytest.fixture(scope="session")
def web_urls(server_loop: BackgroundLoop, server_tls: ssl.SSLContext) -> Iterator[dict[str, str]]:
    """The test web app over plain HTTP and over HTTPS with the self-signed certificate."""

    async def start() -> tuple[web.AppRunner, dict[str, str]]:
        # A short shutdown: the /hang handler never finishes on its own.
        runner = web.AppRunner(make_app(), shutdown_timeout=0.1)
        await runner.setup()
        urls = {}
        for scheme, tls in (("http", None), ("https", server_tls)):
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            urls[scheme] = f"{scheme}://127.0.0.1:{port}"
        return runner, urls

    runner, urls = server_loop.call(start())
    yield urls
    server_loop.call(runner.cleanup())


@pytest.fixture(scope="session")
def web_url(web_urls: dict[str, str]) -> str:
    return web_urls["http"]


async def _serve(handler: Callable, tls: ssl.SSLContext | None = None) -> asyncio.Server:
    return await asyncio.start_server(handler, "127.0.0.1", 0, ssl=tls)


def _start_stream_server(
    server_loop: BackgroundLoop, handler: Callable, tls: ssl.SSLContext | None = None
) -> Iterator[str]:
    server = server_loop.call(_serve(handler, tls))
    yield f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    server_loop.call(_close(server))


async def _close(server: asyncio.Server) -> None:
    # asyncio objects are not thread-safe: close the server on its own loop.
    server.close()
    await server.wait_closed()


@pytest.fixture(scope="session")
def tls_target(server_loop: BackgroundLoop, server_tls: ssl.SSLContext) -> Iterator[str]:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)  # hold the connection until the probe hangs up
        writer.close()

    yield from _start_stream_server(server_loop, handler, server_tls)


@pytest.fixture(scope="session")
def junk_target(server_loop: BackgroundLoop) -> Iterator[str]:
    """A plain TCP server that answers anything with bytes that are neither TLS nor RESP."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.0 418 I'm a teapot\r\n\r\n" + b"\x00garbage\xff" * 50)
        await writer.drain()
        writer.close()

    yield from _start_stream_server(server_loop, handler)


@pytest.fixture(scope="session")
def fake_redis(server_loop: BackgroundLoop) -> Iterator[str]:
    yield from _start_stream_server(server_loop, serve_fake_redis(password=None))


@pytest.fixture(scope="session")
def fake_redis_with_password(server_loop: BackgroundLoop) -> Iterator[str]:
    yield from _start_stream_server(server_loop, serve_fake_redis(password="s3cret"))


@pytest.fixture
def tcp_listener() -> Iterator[str]:
    # The kernel completes the handshake from the backlog; nobody needs to accept().
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield f"127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def closed_port() -> Iterator[int]:
    # Bound but not listening: connections are refused, and no other test can take the port.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def cert_days() -> int:
    return CERT_DAYS


@pytest.fixture
def check() -> Callable[..., Result]:
    """check(type, target, now=None, **spec_fields) runs one probe through run_probe, as the
    collector does, in a fresh event loop with a fresh context."""

    def run(type: str, target: str, now: dt.datetime | None = None, **fields: Any) -> Result:
        async def main() -> Result:
            clock = {"now": lambda: now} if now else {}
            async with await make_context(**clock) as ctx:
                return await run_probe(CheckSpec(id=1, type=type, target=target, **fields), ctx)

        return asyncio.run(main())

    return run
