"""The outbound guard: which addresses checks, scrapes and notifications may reach, and how
much of a target's answer an error may quote.

Every outbound connection is judged on the address it actually connects to, after DNS:
- link-local (169.254.0.0/16, fe80::/10) and cloud metadata addresses are always refused;
- JADUGAR_CHECK_DENY_NETWORKS is refused, and always wins;
- with JADUGAR_CHECK_ALLOW_NETWORKS set, only those networks are allowed.
Internal targets stay allowed by default: watching internal services is the point.

A refusal is a `Refused` (an OSError, so every network layer treats it as a failed connect)
and the probes turn it into a down result; it is never a crash.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from jadugar import config

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_QUOTED_CHARS = 64

# Refused whatever the settings: nothing worth monitoring lives there, and credentials do.
ALWAYS_REFUSED: tuple[tuple[Network, str], ...] = tuple(
    (ipaddress.ip_network(net), why) for net, why in (
        ("169.254.0.0/16", "link-local / cloud metadata"),  # AWS, GCP, Azure, OpenStack
        ("fe80::/10", "link-local"),
        ("fd00:ec2::254/128", "cloud metadata"),  # AWS over IPv6
        ("100.100.100.200/32", "cloud metadata"),  # Alibaba Cloud
        # Connecting to 0.0.0.0 or :: reaches this host: a way around a loopback deny rule.
        ("0.0.0.0/8", "unspecified address"),
        ("::/128", "unspecified address"),
    ))
# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits: judge that one too.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(OSError):
    """The guard refused an address; the message names the address and the rule."""

    def __init__(self, address: str, rule: str) -> None:
        self.address, self.rule = address, rule
        super().__init__(errno.EACCES, f"address {address} is not allowed ({rule})")

    def __str__(self) -> str:
        return self.strerror


@dataclass(frozen=True)
class Policy:
    allow: tuple[Network, ...] | None = None  # None: every address not refused otherwise
    deny: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, allow: str | None = None, deny: str | None = None) -> Policy:
        return cls(_networks(allow) if allow and allow.strip() else None, _networks(deny))

    def refusal(self, address: str) -> str | None:
        """The rule that refuses `address` (an IP address, as text), or None."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("%eth0")
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped  # ::ffff:169.254.169.254 is 169.254.169.254
        seen = [ip]
        if ip in NAT64:
            seen.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        for net, why in ALWAYS_REFUSED:
            if any(a in net for a in seen):
                return why
        for net in self.deny:
            if any(a in net for a in seen):
                return f"JADUGAR_CHECK_DENY_NETWORKS {net}"
        if self.allow is not None and not any(ip in net for net in self.allow):
            return "not in JADUGAR_CHECK_ALLOW_NETWORKS"
        return None

    def check(self, address: str) -> None:
        rule = self.refusal(address)
        if rule:
            raise Refused(address.split("%", 1)[0], rule)


def _networks(raw: str | None) -> tuple[Network, ...]:
    parts = (p.strip() for p in (raw or "").split(","))
    return tuple(ipaddress.ip_network(p, strict=False) for p in parts if p)


def current_policy(cfg: config.Config | None = None) -> Policy:
    """The policy the settings describe (JADUGAR_CHECK_ALLOW/DENY_NETWORKS)."""
    cfg = cfg or config.get()
    return _parsed(cfg.check_allow_networks, cfg.check_deny_networks)


@functools.lru_cache(maxsize=8)
def _parsed(allow: str | None, deny: str | None) -> Policy:
    return Policy.parse(allow, deny)


def find_refusal(exc: BaseException | None) -> Refused | None:
    """The Refused inside an exception from any network layer (aiohttp wraps it), or None."""
    for _ in range(8):  # a chain is short; a cycle must not loop forever
        if exc is None or isinstance(exc, Refused):
            return exc
        exc = getattr(exc, "os_error", None) or exc.__cause__ or exc.__context__
    return None


def quote(value: Any, limit: int = MAX_QUOTED_CHARS) -> str:
    """Quote at most `limit` characters of something a target sent (a body, a header, a
    banner, a label) for an error text: what viewers read must not be the target's data."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        cut = len(value) > limit
        return repr(value[:limit]) + (f"… ({len(value)} chars)" if cut else "")
    return clip(repr(value), limit)


def clip(text: str, limit: int = MAX_QUOTED_CHARS) -> str:
    """`text` itself when short, else its first `limit` characters and an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"


# -- resolving and connecting -----------------------------------------------------------------

async def resolve(host: str, port: int, policy: Policy) -> list[str]:
    """Every address `host` resolves to, each checked: one refused address refuses the host
    (a name that also points at the metadata service is not a name to trust)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        policy.check(address)
    return addresses


async def open_connection(host: str, port: int, policy: Policy, *, ssl: Any = None,
                          server_hostname: str | None = None, **kwargs: Any
                          ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """asyncio.open_connection to an address the policy allows. The connection goes to the
    very address that was checked (no second lookup), and TLS still verifies `host`."""
    last: OSError | None = None
    for address in await resolve(host, port, policy):
        try:
            return await asyncio.open_connection(
                address, port, ssl=ssl,
                server_hostname=(server_hostname or host) if ssl else None, **kwargs)
        except OSError as exc:
            last = exc
    assert last is not None  # getaddrinfo returns at least one address or raises
    raise last


def check_hosts(hosts: Iterable[tuple[str, int | None]], policy: Policy) -> None:
    """Blocking resolve-and-check for clients that connect by themselves (Apprise). This is
    check-then-connect: the client looks the name up again."""
    for host, port in hosts:
        try:
            infos = socket.getaddrinfo(host, port or 0, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            continue  # the client cannot resolve it either: nothing is reached
        for info in infos:
            policy.check(str(info[4][0]))


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that refuses a name when any of its addresses is refused."""

    def __init__(self, policy: Policy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self._inner = inner or DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        for item in found:
            self.policy.check(item["host"])
        return found

    async def close(self) -> None:
        await self._inner.close()


class GuardedConnector(aiohttp.TCPConnector):
    """aiohttp connector whose every connection, redirects included, is checked twice:
    names by the resolver, and the address of each socket just before it connects (this
    also covers IP literals, which aiohttp never sends to the resolver)."""

    def __init__(self, policy: Policy | None = None, **kwargs: Any) -> None:
        self.policy = policy or current_policy()

        def guarded_socket(addr_info: Any) -> socket.socket:
            family, type_, proto, _, sockaddr = addr_info
            self.policy.check(str(sockaddr[0]))
            return socket.socket(family=family, type=type_, proto=proto)

        super().__init__(resolver=GuardedResolver(self.policy), socket_factory=guarded_socket,
                         **kwargs)


def apprise_hosts(sender: Iterable[Any]) -> list[tuple[str, int | None]]:
    """The hosts an Apprise object's plugins will connect to that came from the URL.

    Plugins whose URL names a host (json://, ntfy://host, mailto:// with smtp=, ...) carry
    it in `host` / `smtp_host`; the others (slack://, discord://) talk to a fixed public
    service and their `host` is a token, not a place."""
    hosts: list[tuple[str, int | None]] = []
    for plugin in sender:
        templates = getattr(plugin, "templates", ()) or ()
        host = getattr(plugin, "host", None)
        if isinstance(host, str) and host and any("{host}" in t for t in templates):
            hosts.append((host.strip("[]"), getattr(plugin, "port", None)))
        smtp = getattr(plugin, "smtp_host", None)
        if isinstance(smtp, str) and smtp:
            hosts.append((smtp.strip("[]"), getattr(plugin, "port", None)))
    return hosts
