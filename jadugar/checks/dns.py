"""dns: the name resolves, optionally to an expected address."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time

from jadugar.outbound import Refused

from . import form
from .kind import CheckType, Form, FormField, Target
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting, fail

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


def _host_name(target: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.:-]+", target):
        raise ValueError("target must be a host name like example.com")
    return target


def _address(field: str, value: object) -> None:
    # The probe resolves to addresses only, so a host name here could never match.
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        fail(field, "must be an IP address like 192.0.2.10")


DNS = CheckType(
    name="dns", help="The name resolves, optionally to an expected address.",
    target=Target("Name", "example.com", _host_name, help="A host name."),
    probe=DnsProbe(),
    expect=Schema({"address": Setting("An address the name must resolve to.",
                                      example="192.0.2.10", check=_address)}),
    options=Schema({"family": Setting("Resolve only this address family.",
                                      enum=("ipv4", "ipv6"))}),
    form=Form(fields=(FormField("address", "Expected address (optional)", "expect.address",
                                placeholder="93.184.216.34", width=4, read=form.stripped),)),
)
