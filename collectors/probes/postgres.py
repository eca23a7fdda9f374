"""postgres: the server accepts a login and answers `select 1`."""

from __future__ import annotations

import math
import time

import psycopg

from .base import CheckSpec, ProbeContext, Result, elapsed_ms


class PostgresProbe:
    type = "postgres"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        started = time.perf_counter()
        try:
            conn = await psycopg.AsyncConnection.connect(
                spec.target,
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


def pg_error(exc: psycopg.Error) -> str:
    """libpq's message without its indented hints ("Is the server running ...?")."""
    lines = [line for line in str(exc).splitlines() if line and not line[0].isspace()]
    text = " ".join(" ".join(lines).split()).removeprefix("connection failed: ")
    return text or type(exc).__name__
