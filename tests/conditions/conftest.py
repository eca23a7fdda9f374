"""A real local HTTP(S) target for the conditions tests, on free loopback ports; the HTTPS
one presents a self-signed certificate that expires in CERT_DAYS days."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_DAYS = 5

JSON = '{"data": {"items": [{"id": 4}, {"id": 1}]}, "errors": []}'


def _app() -> web.Application:
    async def json_page(request: web.Request) -> web.Response:
        return web.Response(text=JSON, content_type="application/json",
                            headers={"X-Version": "42"})

    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=404, text="no such page")

    app = web.Application()
    app.router.add_get("/json", json_page)
    app.router.add_get("/missing", missing)
    return app


def _tls(folder: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jadugar-conditions")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=CERT_DAYS)).sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return ctx


@pytest.fixture(scope="module")
def web_urls(tmp_path_factory) -> Iterator[dict[str, str]]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    tls = _tls(tmp_path_factory.mktemp("tls"))

    async def start() -> tuple[web.AppRunner, dict[str, str]]:
        # A short shutdown: a keep-alive connection left open must not hold teardown up.
        runner = web.AppRunner(_app(), shutdown_timeout=0.1)
        await runner.setup()
        urls = {}
        for scheme, context in (("http", None), ("https", tls)):
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            urls[scheme] = f"{scheme}://127.0.0.1:{port}"
        return runner, urls

    runner, urls = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    yield urls
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


@pytest.fixture(scope="module")
def web_url(web_urls) -> str:
    return web_urls["http"]
