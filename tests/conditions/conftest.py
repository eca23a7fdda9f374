"""A real local HTTP target for the conditions tests, on a free loopback port."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web

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


@pytest.fixture(scope="module")
def web_url() -> Iterator[str]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> tuple[web.AppRunner, int]:
        runner = web.AppRunner(_app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    runner, port = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
