"""tcp: the port accepts a connection."""

from __future__ import annotations

import time

from jadugar.outbound import open_connection

from .base import CheckSpec, ProbeContext, Result, elapsed_ms
from .net import close_quietly, split_host_port


class TcpProbe:
    type = "tcp"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        host, port = split_host_port(spec.target)
        started = time.perf_counter()
        _, writer = await open_connection(host, port, ctx.policy)
        took = elapsed_ms(started, time.perf_counter())
        await close_quietly(writer)
        return Result("up", response_ms=took)
