"""Local targets for the fault tests, served from a background event loop: each counts the
requests it answered, so a test can compare what the collector saw with what it stored.

- /hit/{n}: "OK", counted per n;
- /metrics/{n}: a Prometheus page whose `fault_scrapes_total` is that scrape's number, so
  each stored sample names the scrape it came from.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

from aiohttp import web


class FaultTargets:
    def __init__(self) -> None:
        self.hits: Counter = Counter()
        self.scrapes: Counter = Counter()
        self.url = ""
        self.loop = asyncio.new_event_loop()

    @classmethod
    def start(cls) -> FaultTargets:
        targets = cls()
        threading.Thread(target=targets.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(targets._serve(), targets.loop).result(10)
        return targets

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def _serve(self) -> None:
        async def hit(request: web.Request) -> web.Response:
            self.hits[int(request.match_info["n"])] += 1
            return web.Response(text="OK")

        async def metrics(request: web.Request) -> web.Response:
            n = int(request.match_info["n"])
            self.scrapes[n] += 1
            return web.Response(text=f"# TYPE fault_scrapes_total counter\n"
                                     f'fault_scrapes_total{{target="{n}"}} {self.scrapes[n]}\n'
                                     f"fault_other 1\n")

        app = web.Application()
        app.router.add_get("/hit/{n}", hit)
        app.router.add_get("/metrics/{n}", metrics)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
