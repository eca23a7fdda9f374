"""redis: the server answers PING with PONG, spoken in RESP directly (no client library)."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import unquote, urlsplit

from jadugar.outbound import open_connection, quote

from .kind import CheckType, Target
from .net import client_tls_context, close_quietly, split_host_port
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting

DEFAULT_PORT = 6379
# A reply line longer than this is not Redis; stop reading instead of buffering junk.
MAX_REPLY_BYTES = 1024


class RedisProbe:
    type = "redis"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        host, port, auth, use_tls = parse_target(spec.target)
        verify = bool(spec.options.get("verify_tls", True))
        started = time.perf_counter()
        reader, writer = await open_connection(
            host,
            port,
            ctx.policy,
            ssl=client_tls_context(verify) if use_tls else None,
            limit=MAX_REPLY_BYTES,
        )
        try:
            if auth:
                reply = await command(reader, writer, "AUTH", *auth)
                if reply != "+OK":
                    return Result("down", error=f"redis AUTH failed: {_readable(reply)}")
            reply = await command(reader, writer, "PING")
        finally:
            await close_quietly(writer)
        took = elapsed_ms(started, time.perf_counter())
        if reply != "+PONG":
            return Result("down", response_ms=took, error=f"expected +PONG, got {_readable(reply)}")
        return Result("up", response_ms=took)


def parse_target(target: str) -> tuple[str, int, tuple[str, ...], bool]:
    """Read "host:port" or redis[s]://[user][:password@]host[:port][/db]."""
    if "://" not in target:
        host, port = split_host_port(target, DEFAULT_PORT)
        return host, port, (), False
    url = urlsplit(target)
    if url.scheme not in ("redis", "rediss") or not url.hostname:
        raise ValueError(f"target must be host:port or a redis:// URL, not {target!r}")
    auth: tuple[str, ...] = ()
    if url.password:
        password = unquote(url.password)
        auth = (unquote(url.username), password) if url.username else (password,)
    return url.hostname, url.port or DEFAULT_PORT, auth, url.scheme == "rediss"


async def command(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *args: str) -> str:
    """Send one command as a RESP array of bulk strings; return the first reply line."""
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        parts += [f"${len(data)}\r\n".encode(), data, b"\r\n"]
    writer.write(b"".join(parts))
    await writer.drain()
    try:
        line = await reader.readline()
    except ValueError:  # the line outgrew the reader's limit
        return f"<no line end in the first {MAX_REPLY_BYTES} bytes>"
    if not line:
        return "<connection closed without a reply>"
    return line.decode("utf-8", "replace").rstrip("\r\n")


def _readable(reply: str) -> str:
    # "-NOAUTH Authentication required." reads better without the RESP type byte. Whatever
    # answered may not be Redis: quote only the start of its line.
    if reply.startswith("-"):
        return f"redis error {quote(reply[1:])}"
    return quote(reply)


REDIS = CheckType(
    name="redis", help="The server answers PING with PONG.",
    target=Target("DSN or host:port", "redis://cache.internal:6379/0",
                  lambda t: parse_target(t)[0],
                  help="host:port or redis[s]://[user][:password@]host[:port][/db]."),
    probe=RedisProbe(),
    options=Schema({"verify_tls": Setting("Verify the certificate of a rediss:// server.",
                                          json="boolean", default=True)}),
)
