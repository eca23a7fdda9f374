"""icmp: the host answers ping; packet loss and round-trip time against thresholds.

Pings go out on unprivileged ICMP sockets (icmplib, `privileged=False`), which Linux allows
only to the groups in net.ipv4.ping_group_range. Where the kernel refuses, the result says
so and how to allow it, rather than failing without a reason. A collector that holds
CAP_NET_RAW may set `privileged: true` to use raw sockets instead."""

from __future__ import annotations

import ipaddress
import re

import icmplib

from jadugar.outbound import resolve

from . import form
from .kind import CheckType, Form, FormField, Target
from .probe import CheckSpec, ProbeContext, Result
from .schema import Schema, Setting, fail

HOST_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}")
DEFAULT_COUNT = 3
DEFAULT_GAP_MS = 200
DEFAULT_REPLY_TIMEOUT_S = 1.0
REFUSED = ("the kernel refuses unprivileged ICMP sockets: add the collector's group to "
           "net.ipv4.ping_group_range (sysctl -w net.ipv4.ping_group_range='0 2147483647'), "
           "or give the collector CAP_NET_RAW and set options.privileged")


class IcmpProbe:
    type = "icmp"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        """1. resolve and check the address, 2. ping it, 3. judge loss, then round trips."""
        opts = spec.options
        address = (await resolve(_host(spec.target), 0, ctx.policy))[0]
        try:
            host = await icmplib.async_ping(
                address, count=int(opts.get("count", DEFAULT_COUNT)),
                interval=float(opts.get("gap_ms", DEFAULT_GAP_MS)) / 1000,
                timeout=float(opts.get("reply_timeout_s", DEFAULT_REPLY_TIMEOUT_S)),
                privileged=bool(opts.get("privileged", False)))
        except icmplib.SocketPermissionError:
            return Result("down", error=REFUSED, details={"ip": address})
        except icmplib.ICMPLibError as exc:  # no route, a broadcast address, ...
            return Result("down", error=f"ping failed: {exc}", details={"ip": address})
        return judge(host, spec.expect, address)


def judge(host: icmplib.Host, expect: dict, address: str) -> Result:
    loss = round(host.packet_loss * 100, 1)
    got = host.packets_received > 0
    rtt = round(host.avg_rtt, 2) if got else None
    details = {"ip": address, "connected": got, "packet_loss": loss,
               "packets_sent": host.packets_sent, "packets_received": host.packets_received,
               "rtt_ms": rtt, "rtt_min_ms": round(host.min_rtt, 2) if got else None,
               "rtt_max_ms": round(host.max_rtt, 2) if got else None}
    down, degraded = [], []
    for key, out in (("down_loss_percent", down), ("degraded_loss_percent", degraded)):
        limit = expect.get(key, 100 if out is down else None)
        # Any loss reaching the limit counts: 0 means "one lost packet", 100 "all of them".
        if limit is not None and loss > 0 and loss >= float(limit):
            out.append(f"packet loss {loss:g}% (limit {float(limit):g}%)")
    for key, out in (("down_rtt_ms", down), ("degraded_rtt_ms", degraded)):
        limit = expect.get(key)
        if limit is not None and rtt is not None and rtt > float(limit):
            out.append(f"round trip {rtt:g} ms (limit {float(limit):g} ms)")
    status = "down" if down else "degraded" if degraded else "up"
    return Result(status, response_ms=rtt, error="; ".join(down or degraded) or None,
                  details=details)


def _host(target: str) -> str:
    host = target.strip().removeprefix("[").removesuffix("]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not HOST_NAME.fullmatch(host):
        raise ValueError("target must be a host name or an IP address like 192.0.2.10")
    return host


def _rules(expect: dict, prefix: str) -> None:
    for low, high, default in (("degraded_loss_percent", "down_loss_percent", 100),
                               ("degraded_rtt_ms", "down_rtt_ms", None)):
        low_value, high_value = expect.get(low), expect.get(high, default)
        if low_value is not None and high_value is not None and low_value > high_value:
            fail(f"{prefix}.{low}", f"must not be above {prefix}.{high} ({high_value:g})")


PERCENT = {"json": "number", "minimum": 0, "maximum": 100}
EXPECT = Schema({
    "down_loss_percent": Setting("Packet loss (%) from which the check is down.",
                                 default=100, example=50, **PERCENT),
    "degraded_loss_percent": Setting("Packet loss (%) from which the check is degraded.",
                                     example=20, **PERCENT),
    "down_rtt_ms": Setting("Average round trip (ms) from which the check is down.",
                           json="number", minimum=0, example=500),
    "degraded_rtt_ms": Setting("Average round trip (ms) from which the check is degraded.",
                               json="number", minimum=0, example=100),
}, rules=_rules)
OPTIONS = Schema({
    "count": Setting("Echo requests sent per run.", json="integer", minimum=1, maximum=20,
                     default=DEFAULT_COUNT),
    "gap_ms": Setting("Milliseconds between two requests.", json="number", minimum=10,
                      maximum=5000, default=DEFAULT_GAP_MS),
    "reply_timeout_s": Setting("Seconds to wait for the last reply.", json="number",
                               minimum=0.1, maximum=30, default=DEFAULT_REPLY_TIMEOUT_S),
    "privileged": Setting("Use raw sockets (needs root or CAP_NET_RAW) instead of "
                          "unprivileged ICMP.", json="boolean", default=False),
})
FORM = Form(fields=(
    FormField("ping_count", "Pings per run", "options.count", "number", placeholder="3",
              width=2, read=form.whole),
    FormField("degraded_loss_percent", "Degraded from loss %", "expect.degraded_loss_percent",
              "number", placeholder="20", width=2, read=form.number),
    FormField("down_loss_percent", "Down from loss %", "expect.down_loss_percent", "number",
              placeholder="100", width=2, read=form.number),
    FormField("degraded_rtt_ms", "Degraded from RTT (ms)", "expect.degraded_rtt_ms", "number",
              placeholder="100", width=2, read=form.number),
    FormField("down_rtt_ms", "Down from RTT (ms)", "expect.down_rtt_ms", "number",
              placeholder="500", width=2, read=form.number),
))

ICMP = CheckType(
    name="icmp", help="The host answers ping: packet loss and round trip against thresholds.",
    target=Target("Host", "db.internal", _host, help="A host name or an IP address."),
    probe=IcmpProbe(), expect=EXPECT, options=OPTIONS, form=FORM,
)
