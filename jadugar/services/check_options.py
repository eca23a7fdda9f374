"""Per-type validation of a check's `expect` and `options`, so the API, the settings form and
`jadugar config apply` all refuse what the probe could not run. Each error names the field,
e.g. `expect.rule.op`."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from jadugar.errors import Invalid

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _fail(field: str, message: str) -> None:
    raise Invalid(f"{field} {message}", field=field)


def _is_text(field: str, value: Any) -> None:
    if not isinstance(value, str):
        _fail(field, "must be text")


def _is_bool(field: str, value: Any) -> None:
    if not isinstance(value, bool):
        _fail(field, "must be true or false")


def _is_number(field: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        bound = f"at least {low:g}" if high == float("inf") else f"between {low:g} and {high:g}"
        _fail(field, f"must be a number, {bound}")


def _is_mapping_of_text(field: str, value: Any) -> None:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        _fail(field, "must be an object of text values")


def _http(expect: dict, options: dict) -> None:
    from collectors.probes.expect import parse_status_ranges
    from collectors.probes.patterns import MAX_MATCHED_BYTES

    if "method" in options and str(options["method"]).upper() not in METHODS:
        _fail("options.method", f"must be one of {', '.join(METHODS)}")
    if "headers" in options:
        _is_mapping_of_text("options.headers", options["headers"])
    if "body" in options and options["body"] is not None:
        _is_text("options.body", options["body"])
    for flag in ("follow_redirects", "verify_tls"):
        if flag in options:
            _is_bool(f"options.{flag}", options[flag])
    if "max_body_bytes" in options:
        # The probe never reads (nor matches) more than this.
        _is_number("options.max_body_bytes", options["max_body_bytes"], 1, MAX_MATCHED_BYTES)
    if "status" in expect:
        try:
            parse_status_ranges(expect["status"])
        except ValueError as exc:
            raise Invalid(str(exc), field="expect.status") from None
    if "max_response_ms" in expect:
        _is_number("expect.max_response_ms", expect["max_response_ms"], 0, float("inf"))
    if "body_contains" in expect:
        _is_text("expect.body_contains", expect["body_contains"])
    if "body_regex" in expect:
        _regex("expect.body_regex", expect["body_regex"])
    if "json_value" in expect and "json_path" not in expect:
        _fail("expect.json_path", "is required with expect.json_value")
    if "json_path" in expect:
        _is_text("expect.json_path", expect["json_path"])


def _regex(field: str, value: Any) -> None:
    """User patterns run on RE2 (linear time); what RE2 refuses is refused here."""
    from collectors.probes.patterns import PatternError, compile_pattern

    try:
        compile_pattern(str(value))
    except PatternError as exc:
        _fail(field, str(exc))


def _dns(expect: dict, options: dict) -> None:
    if "address" in expect:
        try:
            ipaddress.ip_address(str(expect["address"]))
        except ValueError:
            _fail("expect.address", "must be an IP address like 192.0.2.10")
    if "family" in options and options["family"] not in ("ipv4", "ipv6"):
        _fail("options.family", "must be ipv4 or ipv6")


def _tls(expect: dict, options: dict) -> None:
    if "min_days_left" in expect:
        _is_number("expect.min_days_left", expect["min_days_left"], 0, 3650)
    if "server_name" in options:
        _is_text("options.server_name", options["server_name"])
    if "verify_tls" in options:
        _is_bool("options.verify_tls", options["verify_tls"])


def _prometheus(expect: dict, options: dict) -> None:
    from collectors.probes.prometheus import OPERATORS

    series = options.get("series")
    if series is not None and (not isinstance(series, list)
                               or not all(isinstance(s, str) and s for s in series)):
        _fail("options.series", "must be a list of metric names")
    rule = expect.get("rule")
    if rule is None:
        return
    if not isinstance(rule, dict):
        _fail("expect.rule", 'must be an object like {"metric": "up", "op": ">=", "value": 1}')
    if not isinstance(rule.get("metric"), str) or not rule["metric"]:
        _fail("expect.rule.metric", "is required")
    if rule.get("op", ">=") not in OPERATORS:
        _fail("expect.rule.op", f"must be one of {' '.join(OPERATORS)}")
    _is_number("expect.rule.value", rule.get("value"), float("-inf"), float("inf"))
    if "labels" in rule:
        _is_mapping_of_text("expect.rule.labels", rule["labels"])


_BY_TYPE: dict[str, Callable[[dict, dict], None]] = {
    "http": _http, "https": _http, "dns": _dns, "tls": _tls, "prometheus": _prometheus,
}


def check_options(kind: str | None, expect: dict, options: dict) -> None:
    """Raise Invalid naming the first expectation or option the probe of `kind` would
    reject; types without options (tcp, postgres, redis, heartbeat) accept empty ones."""
    validate = _BY_TYPE.get(kind or "")
    if validate:
        validate(expect, options)
