"""Judging a probe's Result against parsed conditions, each on its own.

The placeholders read what the probes report (the contract with every check type):
[STATUS] status_code, [RESPONSE_TIME] response_ms, [BODY] details["body"] (JSON path after
it), [HEADER].name details["headers"], [CERTIFICATE_EXPIRATION] details
["certificate_expires_at"], [IP] details["ip"], [DNS_RCODE] details["dns_rcode"],
[CONNECTED] details["connected"]. A placeholder the probe did not report fails its
condition with "no [X] for this check". Durations compare in milliseconds.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import re2

from jadugar.outbound import quote

from .conditions import Call, Condition, ConditionError, Placeholder, parse_all
from .probe import MAX_ERROR_CHARS, Result

DETAIL_KEYS = {"BODY": "body", "HEADER": "headers", "CERTIFICATE_EXPIRATION":
               "certificate_expires_at", "IP": "ip", "DNS_RCODE": "dns_rcode",
               "CONNECTED": "connected"}
# What a probe hands over for conditions only: never stored with the result.
TRANSIENT_DETAILS = ("body", "headers")


class _Fails(Exception):
    """The condition cannot hold, and this says why (a value missing or of the wrong kind)."""


class _Missing(_Fails):
    """A placeholder (or a path in it) has no value; has() is false for it."""


@dataclass(frozen=True)
class Outcome:
    condition: Condition
    ok: bool
    reason: str | None = None  # why it failed, in words

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"condition": self.condition.text, "ok": self.ok}
        if self.reason:
            out["reason"] = self.reason
        return out


def evaluate(conditions: list[Condition], status_code: int | None,
             response_ms: float | None, details: dict, now: datetime) -> list[Outcome]:
    """One Outcome per condition, in order."""
    values = _Values(status_code, response_ms, details, now)
    return [_judge(c, values) for c in conditions]


def verdict(outcomes: list[Outcome]) -> str:
    """"down" when a plain condition failed, "degraded" when only degraded ones did."""
    failed = [o for o in outcomes if not o.ok]
    if any(not o.condition.degraded for o in failed):
        return "down"
    return "degraded" if failed else "up"


def _judge(cond: Condition, values: _Values) -> Outcome:
    try:
        left = values.operand(cond.left)
        matcher = isinstance(cond.right, Call) and cond.right.name in ("any", "pat")
        right = cond.right if matcher else values.operand(cond.right)
        ok = _compare(left, cond.op, right)
    except _Fails as exc:
        return Outcome(cond, False, str(exc))
    return Outcome(cond, True) if ok else Outcome(cond, False, f"{_name(cond.left)} is "
                                                               f"{_show(left)}")


class _Values:
    def __init__(self, status_code: int | None, response_ms: float | None, details: dict,
                 now: datetime) -> None:
        self.status_code, self.response_ms = status_code, response_ms
        self.details, self.now = details, now
        self._json: Any = None

    def operand(self, node: Any) -> Any:
        if isinstance(node, Placeholder):
            return self.placeholder(node)
        if isinstance(node, Call) and node.name == "len":
            return _length(self.placeholder(node.args[0]), node.args[0])
        if isinstance(node, Call) and node.name == "has":
            try:
                self.placeholder(node.args[0])
            except _Missing:
                return False
            return True
        return node

    def placeholder(self, ph: Placeholder) -> Any:
        if ph.name == "STATUS":
            value = self.status_code
        elif ph.name == "RESPONSE_TIME":
            value = self.response_ms
        else:
            value = self.details.get(DETAIL_KEYS[ph.name])
        if value is None and ph.name == "CERTIFICATE_EXPIRATION":
            value = self.details.get("not_after")  # what the tls probe has always reported
        if value is None:
            raise _Missing(f"no [{ph.name}] for this check")
        if ph.name == "CERTIFICATE_EXPIRATION":
            return _expires_in(value, self.now)
        if ph.name == "HEADER":
            return _header(value, str(ph.path[0]))
        if ph.name == "BODY" and ph.path:
            return _walk(self.body_json(), ph)
        return value

    def body_json(self) -> Any:
        if self._json is None:
            try:
                self._json = (json.loads(self.details["body"]),)
            except (ValueError, RecursionError):
                self._json = ()
        if not self._json:
            raise _Missing("[BODY] is not valid JSON")
        return self._json[0]


def _expires_in(value: Any, now: datetime) -> timedelta:
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise _Fails(f"cannot read the certificate's expiry {_show(value)}") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)) - now


def _header(headers: Any, name: str) -> str:
    found = [v for k, v in dict(headers).items() if k.lower() == name.lower()]
    if not found:
        raise _Missing(f"no header {name} in the response")
    return str(found[0])


def _walk(node: Any, ph: Placeholder) -> Any:
    for part in ph.path:
        size = len(node) if isinstance(node, list) else 0
        in_list = isinstance(part, int) and -size <= part < size
        if in_list or isinstance(part, str) and isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise _Missing(f"{ph} is not in the body")
    return node


def _length(value: Any, ph: Placeholder) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise _Fails(f"{ph} is {_show(value)}, which has no length")


def _compare(left: Any, op: str, right: Any) -> bool:
    if isinstance(right, Call):  # any() or pat(), with == or != (the parser saw to it)
        hit = _matches(left, right)
        return hit if op == "==" else not hit
    left, right = _coerce(left, right)
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if not all(_is_number(v) for v in (left, right)):
        raise _Fails(f"cannot order {_show(left)} and {_show(right)} (numbers only)")
    return {"<": left < right, "<=": left <= right, ">": left > right,
            ">=": left >= right}[op]


def _matches(value: Any, call: Call) -> bool:
    if call.name == "pat":
        return glob_regex(call.args[0]).fullmatch(_text(value)) is not None
    return any(_matches(value, v) if isinstance(v, Call) else _equal(*_coerce(value, v))
               for v in call.args)


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> Any:
    """pat()'s glob as an RE2 pattern (linear time): * any run, ? one character, \\
    escapes the next one."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(_literal(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "*" else "." if char == "?" else _literal(char))
        i += 1
    return re2.compile("(?s)" + "".join(out))


def _literal(char: str) -> str:
    return char if char.isalnum() or char == "_" else f"\\x{{{ord(char):x}}}"


def _coerce(left: Any, right: Any) -> tuple[Any, Any]:
    """Durations become milliseconds; text meets a number or a boolean on its terms."""
    left, right = _ms(left), _ms(right)
    if _is_number(left) and isinstance(right, str):
        right = _number(right, right)
    elif _is_number(right) and isinstance(left, str):
        left = _number(left, left)
    elif isinstance(left, bool) and isinstance(right, str):
        right = {"true": True, "false": False}.get(right.lower(), right)
    elif isinstance(right, bool) and isinstance(left, str):
        left = {"true": True, "false": False}.get(left.lower(), left)
    return left, right


def _ms(value: Any) -> Any:
    return value.total_seconds() * 1000 if isinstance(value, timedelta) else value


def _number(text: str, fallback: Any) -> Any:
    try:
        return float(text)
    except ValueError:
        return fallback


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(left: Any, right: Any) -> bool:
    # True == 1 in Python, but not here.
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return left == right


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(_ms(value))


def _name(node: Any) -> str:
    if isinstance(node, Call):
        return f"{node.name}({node.args[0]})"
    return str(node)


def _show(value: Any) -> str:
    if isinstance(value, timedelta):
        hours = value.total_seconds() / 3600
        return f"{hours:.1f}h" if abs(hours) < 48 else f"{hours / 24:.1f}d"
    return quote(value)


_RANK = {"up": 0, "degraded": 1, "down": 2}


def judge(lines: list[str], result: Result, now: datetime) -> Result:
    """The probe's Result with the conditions applied: the worse of the two statuses, the
    failed conditions' reasons added to the error, every outcome listed in
    details["conditions"], and what the probe handed over for conditions only dropped."""
    details = dict(result.details)
    try:
        outcomes = evaluate(parsed(tuple(lines)), result.status_code, result.response_ms,
                            details, now)
    except ConditionError as exc:  # stored before a rule changed: this check only
        outcomes, result = [], Result("down", result.response_ms, result.status_code,
                                      str(exc), {})
    for key in TRANSIENT_DETAILS:
        details.pop(key, None)
    if outcomes:
        details["conditions"] = [o.to_dict() for o in outcomes]
    status = max(result.status, verdict(outcomes), key=_RANK.__getitem__)
    errors = [result.error] if result.error else []
    errors += [f"{o.condition.text}: {o.reason}" for o in outcomes if not o.ok]
    return Result(status, result.response_ms, result.status_code,  # type: ignore[arg-type]
                  "; ".join(errors)[:MAX_ERROR_CHARS] or None, details)


@functools.lru_cache(maxsize=1024)
def parsed(lines: tuple[str, ...]) -> list[Condition]:
    """parse_all, remembered: every run of a check reads the same conditions."""
    return parse_all(list(lines))
