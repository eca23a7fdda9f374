"""Validation of a health check's fields: each error names the field at fault.

What depends on the type (its target, `expect` and `options`) is checked by the type's own
declaration (jadugar/checks/), with the parsers its probe uses: a check that saves is a
check the collector can run."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from jadugar import outbound
from jadugar.checks import CheckType, registry
from jadugar.errors import Invalid

MIN_INTERVAL_S = 5
MAX_INTERVAL_S = 7 * 86400
FIELDS = ("name", "type", "target", "interval_s", "timeout_s", "retries", "enabled", "expect",
          "options", "grace_s", "depends_on", "locations_required", "locations")


def check_types() -> list[str]:
    return registry.names()


def clean_check(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    """Return the validated columns present in `data` (all required ones unless partial)."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise Invalid(f"unknown field {unknown[0]!r}", field=unknown[0])
    out: dict[str, Any] = {}
    for field in FIELDS:
        if field in data:
            out[field] = _CLEANERS[field](data[field])
        elif not partial and field in ("name", "type", "interval_s"):
            raise Invalid(f"{field} is required", field=field)
    kind = registry.get(out.get("type") or data.get("type"))
    _check_kind(kind, out)
    if kind is not None and kind.pushed:
        out["target"] = kind.name  # pushed to us: there is nothing to reach
    elif "target" in data or not partial:
        if "target" not in out:
            raise Invalid("target is required", field="target")
        _check_target(kind, out["target"])
    if kind is not None and ("expect" in out or "options" in out):
        kind.validate_settings(out.get("expect", {}), out.get("options", {}),
                               refuse_unknown=True)
    if not partial:
        out.setdefault("timeout_s", float(min(10, out["interval_s"])))
    if "timeout_s" in out and "interval_s" in out and out["timeout_s"] > out["interval_s"]:
        raise Invalid("timeout_s must not exceed interval_s", field="timeout_s")
    if out.get("locations") and out.get("locations_required", 1) > len(out["locations"]):
        raise Invalid("locations_required cannot exceed the number of locations pinned",
                      field="locations_required")
    return out


def _check_kind(kind: CheckType | None, out: dict[str, Any]) -> None:
    """What the type itself limits: whether it may be used now, and its shortest interval."""
    reason = kind.unavailable() if kind is not None and kind.unavailable else None
    if reason:
        raise Invalid(reason, field="type")
    low = kind.min_interval_s if kind is not None else None
    if low and "interval_s" in out and out["interval_s"] < low:
        raise Invalid(f"interval_s must be at least {low} for {kind.name} checks",
                      field="interval_s")


def _text(field: str):
    def clean(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"{field} must be non-empty text", field=field)
        return value.strip()
    return clean


def _number(field: str, kind: type, low: float, high: float | None = None):
    def clean(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                kind is int and value != int(value)):
            raise Invalid(f"{field} must be a {'whole ' if kind is int else ''}number",
                          field=field)
        if value < low or (high is not None and value > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise Invalid(f"{field} must be {bound}", field=field)
        return kind(value)
    return clean


def _type(value: Any) -> str:
    types = check_types()
    if value not in types:
        raise Invalid(f"type must be one of {', '.join(types)}", field="type")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("enabled must be true or false", field="enabled")
    return value


def _object(field: str):
    def clean(value: Any) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise Invalid(f"{field} must be an object", field=field)
        return value
    return clean


def _depends_on(value: Any) -> int | None:
    if value is None:
        return None
    return _number("depends_on", int, 1)(value)


LOCATION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _locations(value: Any) -> list[str] | None:
    """Where the check may run: a list of collector locations, or null for anywhere."""
    if value is None:
        return None
    if not isinstance(value, list) or not value or len(value) > 20:
        raise Invalid("locations must be a list of 1 to 20 location names, or null",
                      field="locations")
    for i, name in enumerate(value):
        if not isinstance(name, str) or not LOCATION.fullmatch(name):
            raise Invalid(f"locations[{i}] must be a location name (letters, digits, "
                          "'.', '_' or '-')", field="locations")
    return sorted(set(value))


_CLEANERS = {
    "name": _text("name"), "type": _type, "target": _text("target"),
    "interval_s": _number("interval_s", int, MIN_INTERVAL_S, MAX_INTERVAL_S),
    "timeout_s": _number("timeout_s", float, 0.1, 300),
    "retries": _number("retries", int, 0, 10), "enabled": _bool,
    "expect": _object("expect"), "options": _object("options"),
    "grace_s": _number("grace_s", int, 0, MAX_INTERVAL_S), "depends_on": _depends_on,
    "locations_required": _number("locations_required", int, 1, 20),
    "locations": _locations,
}


def _check_target(kind: CheckType | None, target: str) -> None:
    if kind is None or kind.target is None:
        return
    try:
        host = kind.target.parse(target)
    except ValueError as exc:
        raise Invalid(str(exc), field="target") from None
    _check_address(host)


def _check_address(host: str | None) -> None:
    """Refuse at once a target that is an address the outbound guard refuses (a name is
    judged where it counts: by the collector, on the address it connects to)."""
    try:
        address = str(ipaddress.ip_address((host or "").strip("[]")))
    except ValueError:
        return
    rule = outbound.current_policy().refusal(address)
    if rule:
        raise Invalid(f"target {outbound.Refused(address, rule)}", field="target")
