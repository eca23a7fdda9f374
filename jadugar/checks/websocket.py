"""websocket: the handshake succeeds; optionally a message is sent and the first message
back must contain a text. Through the probes' guarded aiohttp session, like http."""

from __future__ import annotations

import time

import aiohttp

from jadugar.outbound import quote

from . import form
from .kind import CheckType, Form, FormField, Target
from .net import url_host
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting

# A message larger than this is refused by aiohttp: a probe only ever needs the start of one.
MAX_MESSAGE_BYTES = 64 * 1024
READABLE = (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY)


class WebsocketProbe:
    type = "websocket"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        """1. open the socket (the guarded connector checks the address), 2. send the
        message if there is one, 3. read the first message back when one is expected."""
        opts, expect = spec.options, spec.expect
        started = time.perf_counter()
        try:
            connecting = await ctx.http.ws_connect(
                spec.target.strip(), headers=opts.get("headers"),
                ssl=bool(opts.get("verify_tls", True)), max_msg_size=MAX_MESSAGE_BYTES)
        except aiohttp.WSServerHandshakeError as exc:  # an HTTP answer, not a socket
            return Result("down", response_ms=elapsed_ms(started, time.perf_counter()),
                          status_code=exc.status,
                          error=f"the server refused the WebSocket handshake ({exc.status})")
        async with connecting as ws:
            took = elapsed_ms(started, time.perf_counter())
            peer = ws.get_extra_info("peername")
            details = {"ip": peer[0] if peer else None, "connected": True}
            if opts.get("send") is not None:
                await ws.send_str(str(opts["send"]))
            if "message_contains" not in expect:
                return Result("up", response_ms=took, status_code=101, details=details)
            msg = await ws.receive()
        took = elapsed_ms(started, time.perf_counter())
        return _judge(msg, str(expect["message_contains"]), took, details)


def _judge(msg: aiohttp.WSMessage, wanted: str, took: float, details: dict) -> Result:
    if msg.type not in READABLE:
        error = f"no message came back (the socket said {msg.type.name.lower()})"
        return Result("down", response_ms=took, status_code=101, error=error, details=details)
    text = msg.data if isinstance(msg.data, str) else msg.data.decode("utf-8", "replace")
    details["message_bytes"] = len(msg.data)
    if wanted not in text:
        # The target's words, quoted short: a message may carry its data.
        error = f"message {quote(text)} does not contain {wanted!r}"
        return Result("down", response_ms=took, status_code=101, error=error, details=details)
    return Result("up", response_ms=took, status_code=101, details=details)


def _url_host(target: str) -> str:
    return url_host(target, schemes=("ws", "wss"), example="wss://example.com/socket")


EXPECT = Schema({
    "message_contains": Setting("Text the first message back must contain (the probe "
                                "waits for one only when this is set).", example="pong"),
})
OPTIONS = Schema({
    "send": Setting("A text message to send once connected; stored encrypted and shown "
                    "as ***.", secret="value", example='{"type": "ping"}'),
    "headers": Setting("Handshake headers; secret-looking values are stored encrypted and "
                       "shown as ***.", json="object", values="string", secret="headers"),
    "verify_tls": Setting("Verify the certificate of a wss:// server.", json="boolean",
                          default=True),
})
FORM = Form(fields=(
    FormField("ws_send", "Message to send", "options.send", "area", width=4,
              placeholder='{"type": "ping"}'),
    FormField("message_contains", "First message back contains", "expect.message_contains",
              placeholder="pong", width=3),
    FormField("ws_verify_tls", "Verify TLS", "options.verify_tls", "switch", width=2,
              default=True, read=form.flag),
    FormField("ws_headers", "Headers (one 'Name: value' a line)", "options.headers", "area",
              width=3, placeholder="Authorization: Bearer …", read=form.header_lines,
              show=form.header_text),
))

WEBSOCKET = CheckType(
    name="websocket", help="The WebSocket handshake succeeds; optionally a message sent "
                           "gets an expected reply.",
    target=Target("URL", "wss://example.com/socket", _url_host,
                  help="A ws:// or wss:// URL."),
    probe=WebsocketProbe(), expect=EXPECT, options=OPTIONS, form=FORM,
)
