"""The check form's fields per check type, and the two translations it needs: browser values
→ the `expect`/`options` the probes read, and a stored check → form values (for editing).

Browser values are whatever was sent, so each one is read strictly here and a mistake names
its own form field; jadugar/services/check_fields.py then validates the whole check again,
exactly as for the API."""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from jadugar.errors import Invalid
from jadugar.ui.forms import number, whole

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
RULE_OPS = ("<", "<=", ">", ">=", "==", "!=")  # collectors/probes/prometheus.py OPERATORS
SHARED = ("application", "name", "type", "target", "interval_s", "timeout_s")
# Form fields per group; a type shows the groups listed for it in TYPE_GROUPS.
GROUPS: dict[str, tuple[str, ...]] = {
    "http": ("method", "expect_status", "max_response_ms", "follow_redirects", "verify_tls",
             "headers", "body", "body_contains", "body_regex", "json_path", "json_value"),
    "dns": ("address",),
    "tls": ("min_days_left",),
    "prometheus": ("series", "rule_metric", "rule_op", "rule_value", "rule_labels"),
    "heartbeat": ("grace_s",),
}
TYPE_GROUPS = {"http": "http", "https": "http", "dns": "dns", "tls": "tls",
               "prometheus": "prometheus", "heartbeat": "heartbeat"}
NAMES = [*SHARED, *(n for group in GROUPS.values() for n in group)]
# What the target means per type: (label, placeholder). Heartbeat checks have none.
TARGETS = {
    "http": ("URL", "https://example.com/health"), "https": ("URL", "example.com/health"),
    "tcp": ("Host:port", "db.internal:5432"), "dns": ("Name", "example.com"),
    "tls": ("Host:port", "example.com:443"),
    "postgres": ("DSN", "postgresql://monitor@db.internal/app"),
    "redis": ("DSN or host:port", "redis://cache.internal:6379/0"),
    "prometheus": ("Metrics URL", "http://app.internal:9100/metrics"),
}
# The expect/options keys the form owns per group. Editing replaces these and keeps any
# other key (set through the API or config file, e.g. options.max_body_bytes) as it was.
OWNED = {
    "http": ({"status", "max_response_ms", "body_contains", "body_regex", "json_path",
              "json_value"}, {"method", "headers", "body", "follow_redirects", "verify_tls"}),
    "dns": ({"address"}, set()), "tls": ({"min_days_left"}, set()),
    "prometheus": ({"rule"}, {"series"}),
}
# Service error fields → the form field that shows them.
ALIASES = {"expect.max_response_ms": "max_response_ms", "expect": "expect_status"}
_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def to_check(v: dict[str, Any], current: Any = None) -> dict[str, Any]:
    """The service input for a create (current None) or an update of `current`."""
    kind = v["type"]
    data: dict[str, Any] = {"name": v["name"], "type": kind,
                            "interval_s": whole(v["interval_s"], "interval_s")}
    if kind != "heartbeat":
        data["target"] = v["target"]
    if v["timeout_s"] not in (None, ""):
        data["timeout_s"] = number(v["timeout_s"], "timeout_s")
    group = TYPE_GROUPS.get(kind)
    if group == "heartbeat":
        if v["grace_s"] not in (None, ""):
            data["grace_s"] = whole(v["grace_s"], "grace_s")
    elif group:
        expect, options = _READERS[group](v)
        owned_expect, owned_options = OWNED[group]
        data["expect"] = _merge(getattr(current, "expect", None), owned_expect, expect)
        data["options"] = _merge(getattr(current, "options", None), owned_options, options)
    return data


def _merge(old: dict | None, owned: set[str], new: dict) -> dict:
    return {**{k: v for k, v in (old or {}).items() if k not in owned}, **new}


def _filled(value: Any) -> bool:
    return value not in (None, "") and not (isinstance(value, str) and not value.strip())


def _http(v: dict) -> tuple[dict, dict]:
    from collectors.probes.expect import parse_status_ranges

    expect: dict[str, Any] = {}
    if _filled(v["expect_status"]):
        items = [s.strip() for s in str(v["expect_status"]).split(",") if s.strip()]
        try:
            parse_status_ranges(items)  # the probe's own parser: what saves, runs
        except ValueError as exc:
            raise Invalid(str(exc).removeprefix("expect.status: "),
                          field="expect_status") from None
        expect["status"] = [int(s) if s.isdigit() else s for s in items]
    if _filled(v["max_response_ms"]):
        expect["max_response_ms"] = number(v["max_response_ms"], "max_response_ms")
    if _filled(v["body_contains"]):
        expect["body_contains"] = str(v["body_contains"])
    if _filled(v["body_regex"]):
        try:
            re.compile(str(v["body_regex"]))
        except re.error as exc:
            raise Invalid(f"not a valid regular expression: {exc}", field="body_regex") from None
        expect["body_regex"] = str(v["body_regex"])
    expect.update(_json_expect(v["json_path"], v["json_value"]))
    method = v["method"] or "GET"
    if method not in METHODS:
        raise Invalid(f"method must be one of {', '.join(METHODS)}", field="method")
    options: dict[str, Any] = {"method": method,
                               "follow_redirects": _flag(v["follow_redirects"],
                                                         "follow_redirects"),
                               "verify_tls": _flag(v["verify_tls"], "verify_tls")}
    headers = _headers(v["headers"])
    if headers:
        options["headers"] = headers
    if _filled(v["body"]):
        options["body"] = str(v["body"])
    return expect, options


def _flag(value: Any, field: str) -> bool:
    if value not in (True, False, None):
        raise Invalid(f"{field} must be on or off", field=field)
    return bool(value)


def _json_expect(path: Any, value: Any) -> dict[str, Any]:
    """The probe compares the value at `json_path` with `json_value` by type, so "3" and 3
    differ: the value is read as JSON when it parses (3, true, null, "ok") and as text
    otherwise (ok)."""
    if not _filled(path) and not _filled(value):
        return {}
    if not _filled(path):
        raise Invalid("give the JSON path this value is expected at", field="json_path")
    if not _filled(value):
        raise Invalid('give the expected value (JSON: "ok", 3, true or null)',
                      field="json_value")
    try:
        parsed = json.loads(str(value))
    except (ValueError, RecursionError):  # text; so is JSON nested too deep to read
        parsed = str(value)
    return {"json_path": str(path).strip(), "json_value": parsed}


def _headers(value: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for number_, line in enumerate(str(value or "").splitlines(), 1):
        if not line.strip():
            continue
        name, sep, val = line.partition(":")
        if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
            raise Invalid(f"line {number_}: write headers as 'Name: value'", field="headers")
        out[name.strip()] = val.strip()
    return out


def _dns(v: dict) -> tuple[dict, dict]:
    if not _filled(v["address"]):
        return {}, {}
    try:
        # The probe resolves to addresses only, so a host name here could never match.
        address = str(ipaddress.ip_address(str(v["address"]).strip()))
    except ValueError:
        raise Invalid("expected address must be an IP address like 93.184.216.34",
                      field="address") from None
    return {"address": address}, {}


def _tls(v: dict) -> tuple[dict, dict]:
    days = number(v["min_days_left"], "min_days_left")
    if days is None:
        return {}, {}
    if days < 0:
        raise Invalid("min_days_left must be at least 0", field="min_days_left")
    return {"min_days_left": days}, {}


def _prometheus(v: dict) -> tuple[dict, dict]:
    options: dict[str, Any] = {}
    series = [s.strip() for s in str(v["series"] or "").split(",") if s.strip()]
    for name in series:
        if not _METRIC.fullmatch(name):
            raise Invalid(f"{name!r} is not a metric name", field="series")
    if series:
        options["series"] = series
    metric, op, value = v["rule_metric"], v["rule_op"] or ">=", v["rule_value"]
    if not _filled(metric):
        if _filled(value) or _filled(v["rule_labels"]):
            raise Invalid("name the metric the rule tests", field="rule_metric")
        return {}, options
    if not _METRIC.fullmatch(str(metric).strip()):
        raise Invalid(f"{metric!r} is not a metric name", field="rule_metric")
    if op not in RULE_OPS:
        raise Invalid(f"op must be one of {' '.join(RULE_OPS)}", field="rule_op")
    wanted = number(value, "rule_value")
    if wanted is None:
        raise Invalid("give the value the metric is compared with", field="rule_value")
    rule: dict[str, Any] = {"metric": str(metric).strip(), "op": op, "value": wanted}
    labels = _labels(v["rule_labels"])
    if labels:
        rule["labels"] = labels
    return {"rule": rule}, options


def _labels(value: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in (s.strip() for s in str(value or "").split(",")):
        if not item:
            continue
        name, sep, val = item.partition("=")
        if not sep or not _METRIC.fullmatch(name.strip()):
            raise Invalid("write labels as name=value, separated by commas",
                          field="rule_labels")
        out[name.strip()] = val.strip().strip('"')
    return out


_READERS = {"http": _http, "dns": _dns, "tls": _tls, "prometheus": _prometheus}


def to_form(row: Any) -> dict[str, Any]:
    """A stored check (checks.get_check row) as form values: the inverse of to_check."""
    e, o = row.expect or {}, row.options or {}
    status = e.get("status")
    rule = e.get("rule") or {}
    return {
        "application": row.application, "name": row.name, "type": row.type,
        "target": "" if row.type == "heartbeat" else row.target,
        "interval_s": row.interval_s, "timeout_s": row.timeout_s,
        "method": o.get("method", "GET"),
        "expect_status": ", ".join(map(str, status if isinstance(status, list) else [status]))
        if status is not None else "",
        "max_response_ms": e.get("max_response_ms"),
        "follow_redirects": bool(o.get("follow_redirects", True)),
        "verify_tls": bool(o.get("verify_tls", True)),
        "headers": "\n".join(f"{k}: {v}" for k, v in (o.get("headers") or {}).items()),
        "body": o.get("body") or "", "body_contains": e.get("body_contains") or "",
        "body_regex": e.get("body_regex") or "", "json_path": e.get("json_path") or "",
        "json_value": _json_text(e["json_value"]) if "json_path" in e else "",
        "address": e.get("address") or "", "min_days_left": e.get("min_days_left"),
        "series": ", ".join(o.get("series") or []), "rule_metric": rule.get("metric") or "",
        "rule_op": rule.get("op", ">="), "rule_value": rule.get("value"),
        "rule_labels": ", ".join(f"{k}={v}" for k, v in (rule.get("labels") or {}).items()),
        "grace_s": row.grace_s,
    }


def _json_text(value: Any) -> str:
    # Text that would read back as something else (a string "3") keeps its JSON quotes.
    if isinstance(value, str):
        try:
            json.loads(value)
        except (ValueError, RecursionError):
            return value
    return json.dumps(value)
