"""One probe run on request (the Settings form's "Try it"), judged like the collector's runs:
the type's probe within the check's timeout, then its conditions. The probe goes through
the same outbound guard as the collector's (the settings' allowed and denied networks).

It runs on its own event loop in a thread of its own, so a web worker that already runs a
loop, or none, is all the same to it."""

from __future__ import annotations

import asyncio
import concurrent.futures

from jadugar.checks import registry
from jadugar.checks.condition_eval import judge
from jadugar.checks.probe import CheckSpec, Result, describe_error, make_context

MAX_TRIAL_S = 15.0


def try_once(spec: CheckSpec) -> Result:
    """The Result of one run of `spec` (never raises for the target's faults)."""
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="jadugar-try") as pool:
        return pool.submit(asyncio.run, _run(spec)).result()


async def _run(spec: CheckSpec) -> Result:
    kind = registry.get(spec.type)
    if kind is None or kind.probe is None:
        return Result("down", error=f"a {spec.type} check is not probed: nothing to try")
    try:
        async with await make_context() as ctx:
            async with asyncio.timeout(min(spec.timeout_s, MAX_TRIAL_S)):
                result = await kind.probe.run(spec, ctx)
            if spec.expect.get("conditions"):
                return judge(spec.expect["conditions"], result, ctx.now())
            return result
    except TimeoutError:
        return Result("down", error=f"timed out after {min(spec.timeout_s, MAX_TRIAL_S):g} s")
    except Exception as exc:  # the target's fault, or a typo in it: shown, not raised
        return Result("down", error=describe_error(exc))
