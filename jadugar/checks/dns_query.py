"""The dns type's record queries (dnspython): one question of a record type to a chosen
server (or the first of /etc/resolv.conf), judged on the rcode and the expected values.

dns.py sends a check here as soon as it names a record type, a server or an expected rcode
or values; a check with none of those keeps resolving through the system, as before."""

from __future__ import annotations

import ipaddress
import time

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.resolver

from jadugar.outbound import Refused, clip, resolve

from .probe import CheckSpec, ProbeContext, Result, elapsed_ms

RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "CAA")
RCODES = ("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED")
QUERY_OPTIONS = ("record_type", "server", "port", "tcp", "dnssec")
QUERY_EXPECT = ("rcode", "values")
MAX_RECORDS = 20  # shown in the details; a check compares all of them


def wanted(spec: CheckSpec) -> bool:
    """Whether the check asks for more than the system resolver can tell."""
    return any(k in spec.options for k in QUERY_OPTIONS) or any(
        k in spec.expect for k in QUERY_EXPECT)


async def query(spec: CheckSpec, ctx: ProbeContext) -> Result:
    """1. pick the server and check its address, 2. ask, 3. judge rcode and records."""
    opts = spec.options
    rdtype = dns.rdatatype.from_text(str(opts.get("record_type", "A")).upper())
    port = int(opts.get("port", 53))
    server = str(opts.get("server") or _system_server() or "")
    if not server:
        return Result("down", error="no DNS server to ask: set options.server "
                                    "(/etc/resolv.conf names none)")
    address = (await resolve(server, port, ctx.policy))[0]
    started = time.perf_counter()
    try:
        question = dns.message.make_query(spec.target.strip(), rdtype,
                                          want_dnssec=bool(opts.get("dnssec")))
        if opts.get("tcp"):
            answer = await dns.asyncquery.tcp(question, address, timeout=spec.timeout_s,
                                              port=port)
        else:  # UDP, and TCP when the answer comes back truncated
            answer, _ = await dns.asyncquery.udp_with_fallback(
                question, address, timeout=spec.timeout_s, port=port)
    except dns.exception.Timeout:
        return Result("down", error=f"timed out after {spec.timeout_s:g} s")
    except dns.exception.DNSException as exc:  # a name too long, an unreadable answer
        return Result("down", error=f"DNS: {clip(str(exc), 200)}")
    took = elapsed_ms(started, time.perf_counter())
    return judge(spec, ctx, answer, rdtype, took, server)


def _system_server() -> str | None:
    """The first nameserver of /etc/resolv.conf (read each time: it may change)."""
    try:
        servers = dns.resolver.Resolver().nameservers
    except dns.exception.DNSException:  # no resolv.conf, or nothing in it
        return None
    return str(servers[0]) if servers else None


def judge(spec: CheckSpec, ctx: ProbeContext, answer: dns.message.Message, rdtype: int,
          took: float, server: str) -> Result:
    rcode = dns.rcode.to_text(answer.rcode())
    records = [r.to_text() for rrset in answer.answer if rrset.rdtype == rdtype for r in rrset]
    details: dict = {"dns_rcode": rcode, "server": server, "records": [
        clip(r, 255) for r in records[:MAX_RECORDS]]}
    if spec.options.get("dnssec"):
        details["dnssec_validated"] = bool(answer.flags & dns.flags.AD)
    addresses = records if rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA) else []
    if addresses:
        details["ip"] = addresses[0]
    for address in addresses:  # the same rule as the system resolver's path (dns.py)
        if rule := ctx.policy.refusal(address):
            return Result("down", response_ms=took, error=str(Refused(address, rule)),
                          details={"dns_rcode": rcode})
    expected_rcode = str(spec.expect.get("rcode", "NOERROR")).upper()
    name, kind = spec.target.strip(), dns.rdatatype.to_text(rdtype)
    if rcode != expected_rcode:
        error = f"expected rcode {expected_rcode}, got {rcode}"
    elif not records and "rcode" not in spec.expect:
        error = f"no {kind} records for {name}"
    elif missing := _missing(_expected_values(spec.expect), records, rdtype):
        shown = ", ".join(records[:5]) or "none"
        error = f"expected {kind} {', '.join(missing)}; got {clip(shown, 200)}"
    else:
        return Result("up", response_ms=took, details=details)
    return Result("down", response_ms=took, error=error, details=details)


def _expected_values(expect: dict) -> list:
    # The older `address` expectation reads as one more expected A/AAAA value.
    return [*(expect.get("values") or []), *([expect["address"]] if "address" in expect else [])]


def _missing(expected: list, records: list[str], rdtype: int) -> list[str]:
    have = {normal(r, rdtype) for r in records}
    if rdtype == dns.rdatatype.MX:  # "mail.example.com" matches "10 mail.example.com."
        have |= {normal(r.split(" ", 1)[-1], rdtype) for r in records}
    return [str(v) for v in expected if normal(str(v), rdtype) not in have]


def normal(text: str, rdtype: int) -> str:
    """A record as compared: addresses as addresses, names without their final dot, TXT and
    CAA without quotes, case ignored."""
    if rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        try:
            return str(ipaddress.ip_address(text.strip()))
        except ValueError:
            return text.strip()
    words = text.replace('"', "").lower().split()
    return " ".join(w.rstrip(".") if w != "." else w for w in words)
