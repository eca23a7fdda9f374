"""prometheus: scrape a /metrics page, keep chosen series, and test one rule against it."""

from __future__ import annotations

import operator
import time
from collections.abc import Callable

import aiohttp

from jadugar import prometheus_text
from jadugar.outbound import clip
from jadugar.prometheus_text import Sample

from .base import CheckSpec, ProbeContext, Result, elapsed_ms
from .http import decode, read_capped

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
# Result details live in a row; a careless `series` must not store a whole exporter.
MAX_KEPT_SAMPLES = 1000
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class PrometheusProbe:
    type = "prometheus"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        """1. scrape, 2. parse, 3. keep `series` samples, 4. evaluate `expect.rule`."""
        limit = int(spec.options.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES))
        started = time.perf_counter()
        async with ctx.http.get(
            spec.target,
            headers={"Accept": "text/plain;version=0.0.4", **spec.options.get("headers", {})},
            ssl=bool(spec.options.get("verify_tls", True)),
            timeout=aiohttp.ClientTimeout(total=spec.timeout_s),
        ) as resp:
            body, truncated = await read_capped(resp, limit)
            text = decode(body, resp.charset)
        took = elapsed_ms(started, time.perf_counter())

        def down(error: str, details: dict | None = None) -> Result:
            return Result("down", took, resp.status, error, details or {})

        if not 200 <= resp.status < 300:
            return down(f"metrics endpoint answered {resp.status}")
        if truncated:
            return down(f"metrics page is larger than max_body_bytes ({limit})")
        try:
            samples = prometheus_text.parse(text)
        except ValueError as exc:
            # The parser quotes the bad line: no more of it than of any target's answer.
            return down(f"cannot parse metrics: {clip(str(exc))}")
        details = {"sample_count": len(samples), "samples": keep(samples, spec.options)}
        rule = spec.expect.get("rule")
        error = check_rule(samples, rule) if rule else None
        if error:
            return down(error, details)
        return Result("up", took, resp.status, None, details)


def keep(samples: list[Sample], options: dict) -> list[list]:
    wanted = set(options.get("series") or ())
    kept = [[s.name, s.labels, s.value] for s in samples if s.name in wanted]
    return kept[:MAX_KEPT_SAMPLES]


def check_rule(samples: list[Sample], rule: dict) -> str | None:
    """Return why `rule` fails against the first matching sample, or None when it holds."""
    metric, op, wanted = rule.get("metric"), rule.get("op", ">="), rule.get("value")
    compare = OPERATORS.get(op)
    if not metric or compare is None or wanted is None:
        return f"invalid rule {rule!r}: needs metric, op (one of {' '.join(OPERATORS)}), value"
    labels = rule.get("labels") or {}
    selector = metric + _format_labels(labels)
    for sample in samples:
        if sample.name == metric and all(sample.labels.get(k) == str(v) for k, v in labels.items()):
            if compare(sample.value, float(wanted)):
                return None
            return f"{selector} = {sample.value:g}, expected {op} {float(wanted):g}"
    return f"metric {selector} not found"


def _format_labels(labels: dict) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"
