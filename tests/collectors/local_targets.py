"""Real local targets for the collector tests: an HTTP server with good and bad endpoints
(and a per-check hit counter), a TLS server with a self-signed certificate that expires
soon. All served from one background event loop."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import threading
from collections import Counter
from pathlib import Path

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class Targets:
    """Start with `Targets.start(tmp_path)`; `http` is the base URL, `tls` host:port."""

    def __init__(self) -> None:
        self.hits: Counter = Counter()
        self.flips = 0
        self.loop = asyncio.new_event_loop()
        self.http = self.tls = ""
        self._runners: list[web.AppRunner] = []

    @classmethod
    def start(cls, folder: Path) -> Targets:
        targets = cls()
        threading.Thread(target=targets.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(targets._serve(folder), targets.loop).result(10)
        return targets

    def stop(self) -> None:
        # No graceful cleanup: /hang would hold it for a minute. The thread is a daemon.
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def _serve(self, folder: Path) -> None:
        port = await self._site(self._app(), None)
        self.http = f"http://127.0.0.1:{port}"
        tls_port = await self._site(web.Application(), _tls_context(folder, days=5))
        self.tls = f"127.0.0.1:{tls_port}"

    async def _site(self, app: web.Application, ssl_ctx: ssl.SSLContext | None) -> int:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_ctx)
        await site.start()
        self._runners.append(runner)
        return site._server.sockets[0].getsockname()[1]

    def _app(self) -> web.Application:
        async def ok(request: web.Request) -> web.Response:
            return web.Response(text="OK")

        async def hit(request: web.Request) -> web.Response:
            self.hits[int(request.match_info["n"])] += 1
            return web.Response(text="OK")

        async def slow(request: web.Request) -> web.Response:
            await asyncio.sleep(0.4)
            return web.Response(text="OK")

        async def flapping(request: web.Request) -> web.Response:
            self.flips += 1
            return web.Response(status=200 if self.flips % 2 else 503)

        async def fail(request: web.Request) -> web.Response:
            return web.Response(status=500, text="boom")

        async def redirect(request: web.Request) -> web.Response:
            raise web.HTTPFound("/ok")

        async def hang(request: web.Request) -> web.Response:
            await asyncio.sleep(3600)
            return web.Response()

        app = web.Application()
        for path, handler in (("/ok", ok), ("/hit/{n}", hit), ("/slow", slow),
                              ("/flapping", flapping), ("/500", fail),
                              ("/redirect", redirect), ("/hang", hang)):
            app.router.add_get(path, handler)
        return app


def _tls_context(folder: Path, days: int) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=days)).sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert_path, key_path)
    return ctx
