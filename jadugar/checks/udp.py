"""udp: a datagram sent to the port gets a reply, optionally containing an expected text.

UDP has no connection: "up" means an answer came back. A port nobody listens on usually
answers with ICMP port unreachable, which reads as "connection refused"; silence runs into
the check's timeout."""

from __future__ import annotations

import asyncio
import binascii
import time

from jadugar.outbound import quote, resolve

from . import form
from .kind import CheckType, Form, FormField, Target
from .net import split_host_port
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting, fail

MAX_REPLY_BYTES = 64 * 1024


class _Reply(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.answer: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: object) -> None:
        if not self.answer.done():
            self.answer.set_result(data[:MAX_REPLY_BYTES])

    def error_received(self, exc: Exception) -> None:
        if not self.answer.done():
            self.answer.set_exception(exc)


class UdpProbe:
    type = "udp"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        """1. resolve and check the address, 2. send the datagram, 3. wait for the reply
        (run_probe's timeout bounds the wait), 4. look for the expected text."""
        host, port = split_host_port(spec.target)
        address = (await resolve(host, port, ctx.policy))[0]
        as_hex = bool(spec.options.get("hex"))
        payload = _payload(str(spec.options.get("send", "")), as_hex)
        started = time.perf_counter()
        transport, reply = await asyncio.get_running_loop().create_datagram_endpoint(
            _Reply, remote_addr=(address, port))
        try:
            transport.sendto(payload)
            data = await reply.answer
        finally:
            transport.close()
        took = elapsed_ms(started, time.perf_counter())
        details = {"ip": address, "connected": True, "reply_bytes": len(data)}
        shown = data.hex() if as_hex else data.decode("utf-8", "replace")
        wanted = spec.expect.get("reply_contains")
        needle = "".join(str(wanted).lower().split()) if as_hex and wanted else wanted
        if needle and str(needle) not in shown:
            return Result("down", response_ms=took, details=details,
                          error=f"reply {quote(shown)} does not contain {wanted!r}")
        return Result("up", response_ms=took, details=details)


def _payload(send: str, as_hex: bool) -> bytes:
    return binascii.unhexlify("".join(send.split())) if as_hex else send.encode()


def _rules(options: dict, prefix: str) -> None:
    if options.get("hex"):
        try:
            _payload(str(options.get("send", "")), True)
        except (binascii.Error, ValueError):
            fail(f"{prefix}.send", "must be hexadecimal bytes (like 'de ad be ef') with "
                                   f"{prefix}.hex")


OPTIONS = Schema({
    "send": Setting("The datagram to send (text, or hex with options.hex); stored "
                    "encrypted and shown as ***.", secret="value", example="ping"),
    "hex": Setting("`send` and expect.reply_contains are hexadecimal bytes.",
                   json="boolean", default=False),
}, rules=_rules)
EXPECT = Schema({"reply_contains": Setting("Text (or hex) the reply must contain.",
                                           example="pong")})
FORM = Form(fields=(
    FormField("udp_send", "Datagram to send", "options.send", placeholder="ping", width=4),
    FormField("udp_hex", "Hex", "options.hex", "switch", width=2, default=False,
              read=form.flag),
    FormField("reply_contains", "Reply contains", "expect.reply_contains",
              placeholder="pong", width=4),
))

UDP = CheckType(
    name="udp", help="A datagram sent to the port gets a reply, optionally with an "
                     "expected text.",
    target=Target("Host:port", "ntp.internal:123", lambda t: split_host_port(t)[0],
                  help="host:port."),
    probe=UdpProbe(), expect=EXPECT, options=OPTIONS, form=FORM,
)
