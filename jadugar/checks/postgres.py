"""postgres: the server accepts a login and answers `select 1`."""

from __future__ import annotations

import math
import time
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from jadugar.outbound import Policy, Refused, clip, resolve

from .kind import CheckType, Target
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms

DEFAULT_PORT = 5432


class PostgresProbe:
    type = "postgres"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        started = time.perf_counter()
        conninfo = await guarded_conninfo(spec.target, ctx.policy)
        try:
            conn = await psycopg.AsyncConnection.connect(
                conninfo,
                # libpq counts whole seconds; run_probe still holds the exact deadline.
                connect_timeout=max(1, math.ceil(spec.timeout_s)),
                autocommit=True,
                # Lets a DBA tell monitoring sessions apart in pg_stat_activity.
                application_name="jadugar-probe",
            )
        except psycopg.Error as exc:
            return Result("down", error=pg_error(exc))
        try:
            row = await (await conn.execute("select 1")).fetchone()
        except psycopg.Error as exc:
            return Result("down", error=pg_error(exc))
        finally:
            await conn.close()
        took = elapsed_ms(started, time.perf_counter())
        if row != (1,):
            return Result("down", response_ms=took, error=f"select 1 returned {row!r}")
        return Result("up", response_ms=took)


async def guarded_conninfo(target: str, policy: Policy) -> str:
    """The target with every host resolved and checked here, and the checked addresses
    handed to libpq as `hostaddr`: libpq then connects to exactly those (no lookup of its
    own), while `host` still names the server for TLS and error messages.

    Each address becomes its own host entry, so a name with several addresses is still
    tried address by address, as libpq would."""
    params = conninfo_to_dict(target)
    if params.get("hostaddr"):
        for address in filter(None, params["hostaddr"].split(",")):
            policy.check(address)
        return target
    hosts = (params.get("host") or "").split(",")
    ports = (params.get("port") or "").split(",")
    if len(ports) == 1:
        ports *= len(hosts)
    entries: list[tuple[str, str, str]] = []  # (host, hostaddr, port)
    for host, port in zip(hosts, ports, strict=False):
        if not host or host.startswith(("/", "@")):  # a Unix socket: no network address
            if policy.allow is not None:
                raise Refused(host or "(local socket)", "not in JADUGAR_CHECK_ALLOW_NETWORKS")
            entries.append((host, "", port))
            continue
        for address in await resolve(host, int(port or DEFAULT_PORT), policy):
            entries.append((host, address, port))
    if not any(addr for _, addr, _ in entries):
        return target
    keys = ("host", "hostaddr", "port") if params.get("port") else ("host", "hostaddr")
    return make_conninfo(target, **{key: ",".join(e[i] for e in entries)
                                    for i, key in enumerate(keys)})


def pg_error(exc: psycopg.Error) -> str:
    """libpq's message without its indented hints ("Is the server running ...?"). What the
    server itself said (after FATAL: or ERROR:) is quoted no further than 64 characters."""
    lines = [line for line in str(exc).splitlines() if line and not line[0].isspace()]
    text = " ".join(" ".join(lines).split()).removeprefix("connection failed: ")
    for mark in ("FATAL: ", "ERROR: "):
        head, found, said = text.partition(mark)
        if found:
            return head + found + clip(said)
    return text or type(exc).__name__


def _dsn_host(target: str) -> str | None:
    if not target.startswith(("postgresql://", "postgres://")):
        raise ValueError("target must be a URL like postgresql://user@host/db")
    return urlsplit(target).hostname


POSTGRES = CheckType(
    name="postgres", help="The server accepts a login and answers `select 1`.",
    target=Target("DSN", "postgresql://monitor@db.internal/app", _dsn_host,
                  help="A postgresql:// URL; its password is stored encrypted."),
    probe=PostgresProbe(),
)
