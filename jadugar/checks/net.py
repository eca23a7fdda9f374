"""Small helpers shared by the check types: reading host:port and URL targets, and the
socket plumbing of the stream-based probes (tcp, tls, redis)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from urllib.parse import urlsplit

# Closing waits for the peer (TLS close_notify); a broken peer must not hold a finished probe.
CLOSE_WAIT_S = 1.0


def split_host_port(target: str, default_port: int | None = None) -> tuple[str, int]:
    """Split "host:port", "[v6]:port" or a bare host (when a default port exists)."""
    target = target.strip()
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif target.count(":") == 1:
        host, _, port_text = target.partition(":")
    else:
        host, port_text = target, ""  # a bare name, or an IPv6 address without brackets
    if not host:
        raise ValueError(f"target {target!r} has no host")
    if not port_text:
        if default_port is None:
            raise ValueError(f"target {target!r} needs a port, like host:port")
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"target {target!r} has an invalid port")
    return host, int(port_text)


def url_host(target: str, default_scheme: str | None = None,
             schemes: tuple[str, ...] = ("http", "https"),
             example: str = "https://example.com/health") -> str:
    """The host of a URL target whose scheme is one of `schemes`; `default_scheme` is put
    in front of a target written without one (https checks accept "example.com/health")."""
    url = target if "://" in target or default_scheme is None else f"{default_scheme}://{target}"
    parts = urlsplit(url)
    if (parts.scheme not in schemes or not parts.hostname
            or any(ch.isspace() for ch in target)):
        raise ValueError(f"target must be a URL like {example}")
    return parts.hostname


def client_tls_context(verify: bool) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    if not verify:
        # Monitoring still wants to reach self-signed and internal hosts.
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


async def close_quietly(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(CLOSE_WAIT_S):
            await writer.wait_closed()
