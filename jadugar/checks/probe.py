"""The probe interface: what a probe is given, what it returns, and what it may share."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

import aiohttp

from jadugar import outbound
from jadugar.outbound import Policy

Status = Literal["up", "degraded", "down"]
DEFAULT_USER_AGENT = "Jadugar-Probe/0.1"
MAX_ERROR_CHARS = 500
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckSpec:
    """What the scheduler hands a probe: one row of health_checks."""

    id: int
    type: str
    target: str
    timeout_s: float = 10
    expect: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)


@dataclass
class Result:
    """The outcome of one probe run. Failures are data here, never exceptions."""

    status: Status
    response_ms: float | None = None
    status_code: int | None = None
    error: str | None = None
    details: dict = field(default_factory=dict)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ProbeContext:
    """Resources shared by every probe run, passed in so tests can hand in their own.

    `policy` is the outbound guard the socket probes connect through; `http` must be built
    on `outbound.GuardedConnector` so the HTTP probes are guarded the same way."""

    http: aiohttp.ClientSession
    now: Callable[[], datetime] = _utcnow
    owns_http: bool = False
    policy: Policy = field(default_factory=outbound.current_policy)

    async def close(self) -> None:
        # A session handed in by the caller belongs to the caller.
        if self.owns_http:
            await self.http.close()

    async def __aenter__(self) -> ProbeContext:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class Probe(Protocol):
    type: str

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result: ...


async def make_context(
    http: aiohttp.ClientSession | None = None,
    *,
    now: Callable[[], datetime] = _utcnow,
    user_agent: str = DEFAULT_USER_AGENT,
    policy: Policy | None = None,
    keepalive: bool = True,
) -> ProbeContext:
    """Build a context; without a session, open a guarded one that the context will close.
    `policy` defaults to the settings (JADUGAR_CHECK_ALLOW/DENY_NETWORKS)."""
    policy = outbound.current_policy() if policy is None else policy
    if http is not None:
        if not isinstance(http.connector, outbound.GuardedConnector):
            log.warning("probe session is not guarded: HTTP checks may reach any address")
        return ProbeContext(http=http, now=now, policy=policy)
    return ProbeContext(http=open_session(policy, keepalive, user_agent), now=now,
                        owns_http=True, policy=policy)


def open_session(policy: Policy, keepalive: bool = True,
                 user_agent: str = DEFAULT_USER_AGENT) -> aiohttp.ClientSession:
    """The HTTP session of the probes: every connection, redirects included, is guarded."""
    return aiohttp.ClientSession(
        # limit=0: hundreds of checks run at once and must not queue behind each other.
        connector=outbound.GuardedConnector(policy, limit=0, ttl_dns_cache=60,
                                            force_close=not keepalive),
        # Checks must not leak cookies into one another (a login cookie would mask a 401).
        cookie_jar=aiohttp.DummyCookieJar(),
        headers={"User-Agent": user_agent},
    )


def elapsed_ms(started: float, ended: float) -> float:
    return round((ended - started) * 1000, 2)


def describe_error(exc: BaseException) -> str:
    """Turn an exception into a sentence for the dashboard (order matters: ssl errors are
    also ValueErrors and OSErrors)."""
    return _describe(exc)[:MAX_ERROR_CHARS]


def _describe(exc: BaseException) -> str:
    refused = outbound.find_refusal(exc)
    if refused is not None:  # the rule speaks for itself: no "cannot connect to ..." around it
        return str(refused)
    if isinstance(exc, aiohttp.TooManyRedirects):
        return f"more than {len(exc.history)} redirects"
    if isinstance(exc, aiohttp.ClientResponseError):
        # Probes never raise for a status: this is a response aiohttp could not parse, and
        # its message quotes what the target sent (an SSH banner, say).
        return f"invalid HTTP response: {outbound.clip(_squash(exc.message))}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect to {exc.host}:{exc.port}: {_describe(exc.os_error)}"
    if isinstance(exc, aiohttp.InvalidURL):
        return f"invalid URL {str(exc)!r}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {exc.verify_message or exc.reason}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS handshake failed: {exc.reason or _squash(str(exc))}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve host: {exc.strerror}"
    if isinstance(exc, asyncio.IncompleteReadError | ConnectionResetError):
        return "connection closed by the other side"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, ValueError) and str(exc):
        return _squash(str(exc))
    # Whose words these are is unknown here: quote no more of them than of a target's answer.
    text = outbound.clip(_squash(str(exc)))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _squash(text: str) -> str:
    # Library messages (libpq, OpenSSL) span lines; one line reads better in a table.
    return " ".join(text.split())
