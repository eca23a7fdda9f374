"""dns: the name resolves, optionally to an expected address; or, given a record type, a
server or an expected rcode or values, one dnspython query judged on them (dns_query.py)."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time

from jadugar.outbound import Refused

from . import dns_query, form
from .kind import CheckType, Form, FormField, Target
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting, fail

_FAMILIES = {None: socket.AF_UNSPEC, "ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}
# getaddrinfo's answers for "no such name" and "no address of that family".
_RCODES = {socket.EAI_NONAME: "NXDOMAIN",
           getattr(socket, "EAI_NODATA", socket.EAI_NONAME): "NOERROR"}


class DnsProbe:
    type = "dns"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        if dns_query.wanted(spec):
            return await dns_query.query(spec, ctx)
        family = _FAMILIES.get(spec.options.get("family"))
        if family is None:
            raise ValueError(f"options.family must be ipv4 or ipv6, not {spec.options['family']!r}")
        started = time.perf_counter()
        # The system resolver (via the loop's executor) is what the monitored apps use too.
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                spec.target.strip(), None, family=family, type=socket.SOCK_STREAM
            )
        except socket.gaierror as exc:  # the rcode as near as getaddrinfo tells it
            rcode = _RCODES.get(exc.errno, "SERVFAIL")
            return Result("down", response_ms=elapsed_ms(started, time.perf_counter()),
                          error=f"cannot resolve host: {exc.strerror}",
                          details={"dns_rcode": rcode})
        took = elapsed_ms(started, time.perf_counter())
        resolved = sorted({info[4][0] for info in infos})
        # A name that points at a refused address is a target checks may not reach: the
        # same rule as for the other probes, and its answer is not shown either.
        for address in resolved:
            if rule := ctx.policy.refusal(address):
                return Result("down", response_ms=took, error=str(Refused(address, rule)))
        details = {"resolved": resolved, "ip": resolved[0] if resolved else None,
                   "dns_rcode": "NOERROR"}
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


def _server(field: str, value: str) -> None:
    try:
        _host_name(value)
    except ValueError:
        fail(field, "must be an IP address or a host name like ns1.example.com")


def _rules(expect: dict, prefix: str) -> None:
    if "address" in expect and "values" in expect:
        fail(f"{prefix}.address", f"cannot be used with {prefix}.values (list it there)")


EXPECT = Schema({
    "address": Setting("An address the name must resolve to.", example="192.0.2.10",
                       check=_address),
    "rcode": Setting("The response code expected (default NOERROR, and then at least one "
                     "record). A record query.", enum=dns_query.RCODES, ignore_case=True,
                     example="NXDOMAIN"),
    "values": Setting("Records that must all be in the answer, compared without case, "
                      "final dots or quotes (an MX matches by its host alone). A record "
                      "query.", json="array", items="string",
                      example=["10 mail.example.com", "mail2.example.com"]),
}, rules=_rules)
OPTIONS = Schema({
    "family": Setting("Resolve only this address family (system resolver only).",
                      enum=("ipv4", "ipv6")),
    "record_type": Setting("Ask for this record type with a query of our own, instead of "
                           "the system resolver.", enum=dns_query.RECORD_TYPES,
                           ignore_case=True, example="MX"),
    "server": Setting("The DNS server to ask (default: the first of /etc/resolv.conf). A "
                      "record query.", example="192.0.2.53", check=_server),
    "port": Setting("The DNS server's port.", json="integer", minimum=1, maximum=65535,
                    default=53),
    "tcp": Setting("Ask over TCP (default: UDP, then TCP when the answer is truncated).",
                   json="boolean", default=False),
    "dnssec": Setting("Ask for DNSSEC records and report whether the server validated the "
                      "answer (dnssec_validated).", json="boolean", default=False),
})
FORM = Form(fields=(
    FormField("address", "Expected address (optional)", "expect.address",
              placeholder="93.184.216.34", width=3, read=form.stripped),
    FormField("dns_record_type", "Record type (blank: system resolver)",
              "options.record_type", placeholder="A, AAAA, MX, TXT, CAA…", width=3,
              read=lambda v: form.stripped(v).upper()),
    FormField("dns_server", "DNS server", "options.server", placeholder="192.0.2.53",
              width=2, read=form.stripped),
    FormField("dns_values", "Expected records (comma separated)", "expect.values",
              placeholder="10 mail.example.com", width=2, read=form.comma_list,
              show=form.comma_text),
    FormField("dns_rcode", "Expected rcode", "expect.rcode", placeholder="NOERROR",
              width=2, read=lambda v: form.stripped(v).upper()),
))

DNS = CheckType(
    name="dns", help="The name resolves, optionally to an expected address; or a record "
                     "query of a chosen type and server, judged on rcode and values.",
    target=Target("Name", "example.com", _host_name, help="A host name."),
    probe=DnsProbe(), expect=EXPECT, options=OPTIONS, form=FORM,
)
