"""dns: the name resolves, optionally to an expected address."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time

from jadugar.outbound import Refused

from .base import CheckSpec, ProbeContext, Result, elapsed_ms

_FAMILIES = {None: socket.AF_UNSPEC, "ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}


class DnsProbe:
    type = "dns"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        family = _FAMILIES.get(spec.options.get("family"))
        if family is None:
            raise ValueError(f"options.family must be ipv4 or ipv6, not {spec.options['family']!r}")
        started = time.perf_counter()
        # The system resolver (via the loop's executor) is what the monitored apps use too.
        infos = await asyncio.get_running_loop().getaddrinfo(
            spec.target.strip(), None, family=family, type=socket.SOCK_STREAM
        )
        took = elapsed_ms(started, time.perf_counter())
        resolved = sorted({info[4][0] for info in infos})
        # A name that points at a refused address is a target checks may not reach: the
        # same rule as for the other probes, and its answer is not shown either.
        for address in resolved:
            if rule := ctx.policy.refusal(address):
                return Result("down", response_ms=took, error=str(Refused(address, rule)))
        details = {"resolved": resolved}
        expected = spec.expect.get("address")
        if expected and not _contains(resolved, str(expected)):
            error = f"expected address {expected}, resolved {', '.join(resolved) or 'nothing'}"
            return Result("down", response_ms=took, error=error, details=details)
        return Result("up", response_ms=took, details=details)


def _contains(resolved: list[str], expected: str) -> bool:
    # Compare as addresses so "::0001" matches "::1".
    try:
        want = ipaddress.ip_address(expected)
    except ValueError:
        return expected in resolved
    return any(ipaddress.ip_address(address.split("%")[0]) == want for address in resolved)
