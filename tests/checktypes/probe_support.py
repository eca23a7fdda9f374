"""Running one probe as the collector does (run_probe, a fresh guarded context), and an event
loop in a thread for the local targets the probes talk to."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Coroutine
from typing import Any

from collectors.probes import CheckSpec, Result, make_context, run_probe

METADATA = "address 169.254.169.254 is not allowed (link-local / cloud metadata)"


def check(type: str, target: str, **fields: Any) -> Result:
    """Run the probe of `type` once, through run_probe, in a fresh event loop."""

    async def main() -> Result:
        async with await make_context() as ctx:
            return await run_probe(CheckSpec(id=1, type=type, target=target, **fields), ctx)

    return asyncio.run(main())


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A loopback port nobody listens on now (for servers that cannot bind port 0)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BackgroundLoop:
    """An event loop in a thread, so servers outlive each test's own asyncio.run()."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()
