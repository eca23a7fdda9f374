"""Running probes: `run_probe` looks up the probe of a check's type (the check types live in
jadugar/checks/, one module each) and turns every way it can fail into a down Result.

`run_probe` is the only entry point the collector needs: it never raises (except on
cancellation) and never outlives `spec.timeout_s`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import aiohttp

from jadugar.checks import registry
from jadugar.checks.condition_eval import judge
from jadugar.checks.probe import (
    CheckSpec,
    Probe,
    ProbeContext,
    Result,
    describe_error,
    make_context,
    open_session,
)

__all__ = [
    "PROBES",
    "CheckSpec",
    "Probe",
    "ProbeContext",
    "Result",
    "make_context",
    "open_session",
    "run_probe",
]

# Every probed type, plug-ins included; heartbeats are pushed to us, never probed.
PROBES: dict[str, Probe] = registry.probes()
log = logging.getLogger(__name__)


async def run_probe(
    spec: CheckSpec, ctx: ProbeContext, probes: Mapping[str, Probe] = PROBES
) -> Result:
    """Run the probe for `spec.type`; any failure, timeout included, becomes a down Result."""
    probe = probes.get(spec.type)
    if probe is None:
        return Result("down", error=f"unknown check type {spec.type!r}")
    try:
        async with asyncio.timeout(spec.timeout_s):
            result = await probe.run(spec, ctx)
        if spec.expect.get("conditions"):
            # A probe that raised or timed out says so alone (no "no [STATUS]" noise).
            return judge(spec.expect["conditions"], result, ctx.now())
        return result
    except TimeoutError:
        return Result("down", error=f"timed out after {spec.timeout_s:g} s")
    except Exception as exc:  # one bad target must never stop the collector
        # Network and input errors are the target's news; anything else is our bug.
        expected = isinstance(exc, OSError | aiohttp.ClientError | ValueError | EOFError)
        log.log(
            logging.DEBUG if expected else logging.WARNING,
            "check %s (%s) failed",
            spec.id,
            spec.type,
            exc_info=not expected,
        )
        return Result("down", error=describe_error(exc))
