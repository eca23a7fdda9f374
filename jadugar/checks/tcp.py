"""tcp: the port accepts a connection."""

from __future__ import annotations

import time

from jadugar.outbound import open_connection

from .kind import CheckType, Target
from .net import close_quietly, split_host_port
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms


class TcpProbe:
    type = "tcp"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        host, port = split_host_port(spec.target)
        started = time.perf_counter()
        _, writer = await open_connection(host, port, ctx.policy)
        took = elapsed_ms(started, time.perf_counter())
        peer = writer.get_extra_info("peername")
        await close_quietly(writer)
        if not spec.expect.get("conditions"):
            return Result("up", response_ms=took)
        # For [CONNECTED] and [IP]; only then, so plain checks store no details per result.
        details = {"connected": True, **({"ip": str(peer[0])} if peer else {})}
        return Result("up", response_ms=took, details=details)


TCP = CheckType(
    name="tcp", help="The port accepts a connection.",
    target=Target("Host:port", "db.internal:5432", lambda t: split_host_port(t)[0],
                  help="host:port or [v6]:port."),
    probe=TcpProbe(),
)
