"""prometheus: scrape a /metrics page, keep chosen series, and test one rule against it."""

from __future__ import annotations

import operator
import time
from collections.abc import Callable

import aiohttp

from jadugar import prometheus_text
from jadugar.errors import Invalid
from jadugar.outbound import clip
from jadugar.prometheus_text import Sample

from . import form
from .http import decode, read_capped
from .kind import CheckType, Form, FormField, Target
from .net import url_host
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting

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
DEFAULT_OP = ">="
METRIC_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_NAME = r"[a-zA-Z_][a-zA-Z0-9_]*"


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
    metric, op, wanted = rule.get("metric"), rule.get("op", DEFAULT_OP), rule.get("value")
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


def _form_rule(expect: dict, options: dict) -> None:
    """The op field always holds a value: a rule is meant only when a metric is named."""
    rule = expect.get("rule")
    if rule is None:
        return
    if "metric" not in rule:
        if "value" in rule or "labels" in rule:
            raise Invalid("name the metric the rule tests", field="rule_metric")
        del expect["rule"]
    elif "value" not in rule:
        raise Invalid("give the value the metric is compared with", field="rule_value")


RULE = Schema({
    "metric": Setting("The metric tested.", pattern=METRIC_NAME, example="up"),
    "op": Setting("How its value compares.", enum=tuple(OPERATORS), default=DEFAULT_OP),
    "value": Setting("The value it is compared with.", json="number", example=1),
    "labels": Setting("Labels the sample must carry.", json="object", values="string",
                      pattern=LABEL_NAME, example={"job": "api"}),
}, required=("metric", "value"))
PROMETHEUS = CheckType(
    name="prometheus",
    help="Scrape a /metrics page, keep chosen series as metrics, test one rule on it.",
    target=Target("Metrics URL", "http://app.internal:9100/metrics", url_host,
                  help="An http(s):// URL of a Prometheus text page."),
    probe=PrometheusProbe(), keeps_samples=True,
    expect=Schema({"rule": Setting("The first sample of `metric` (with `labels`) must "
                                   "compare with `value` by `op`.", json="object",
                                   fields=RULE,
                                   example={"metric": "up", "op": ">=", "value": 1})}),
    options=Schema({
        "series": Setting("Names of the series stored as metrics of the application.",
                          json="array", items="string", pattern=METRIC_NAME,
                          shape="a list of metric names", example=["up"]),
        "headers": Setting("Request headers; secret-looking values are stored encrypted.",
                           json="object", values="string", secret="headers"),
        "verify_tls": Setting("Verify the server's certificate.", json="boolean",
                              default=True),
        "max_body_bytes": Setting("A larger metrics page fails the check.", json="number",
                                  minimum=1, default=DEFAULT_MAX_BODY_BYTES)}),
    form=Form(rules=_form_rule, fields=(
        FormField("series", "Series to keep (comma separated)", "options.series", width=6,
                  placeholder="process_cpu_seconds_total, up", read=form.comma_list,
                  show=form.comma_text),
        FormField("rule_metric", "Rule: metric", "expect.rule.metric", placeholder="up",
                  read=form.stripped),
        FormField("rule_op", "op", "expect.rule.op", "choice", width=1,
                  choices=tuple(OPERATORS), default=DEFAULT_OP),
        FormField("rule_value", "value", "expect.rule.value", "number", placeholder="1",
                  width=2, read=form.number),
        FormField("rule_labels", "Rule: labels (optional)", "expect.rule.labels", width=6,
                  placeholder="job=api, env=prod", read=form.pairs, show=form.pairs_text))),
)
