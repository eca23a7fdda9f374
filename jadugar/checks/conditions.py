"""The conditions language: `[STATUS] == 200`, `[BODY].data.items[0].id > 3`,
`len([BODY].errors) == 0`, `[CERTIFICATE_EXPIRATION] > 48h`, one condition a line.

Parsing is a small hand-written scanner: no eval, every input bounded, and every error
names the condition (its number and text) and the column where reading stopped. A
condition may start with `degraded:`; when it fails the check is degraded, not down.
Evaluation against a probe's Result lives in condition_eval.py; the old `expect` keys'
translation in condition_legacy.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

PLACEHOLDERS = ("STATUS", "RESPONSE_TIME", "BODY", "HEADER", "CERTIFICATE_EXPIRATION", "IP",
                "DNS_RCODE", "CONNECTED")
OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
MAX_CONDITIONS = 50
MAX_CONDITION_CHARS = 500
MAX_PATH_PARTS = 32
MAX_ANY_VALUES = 100
DEGRADED = "degraded:"
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_CALL = re.compile(r"(len|has|any|pat)\s*\(")
_PAT = re.compile(r"pat\s*\(")
_INDEX = re.compile(r"\[(-?\d{1,9})\]")
_BARE_STOP = set(" \t,()=!<>\"'")
_PATH_STOP = set(" \t.[]()=!<>,")


class ConditionError(ValueError):
    """A condition that cannot be read: which one, where, and why."""

    def __init__(self, number: int, text: str, column: int, reason: str) -> None:
        self.number, self.text, self.column, self.reason = number, text, column, reason
        shown = text if len(text) <= 80 else text[:80] + "…"
        super().__init__(f"condition {number} ({shown}), column {column}: {reason}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    path: tuple[str | int, ...] = ()

    def __str__(self) -> str:
        parts = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path)
        return f"[{self.name}]{parts}"


@dataclass(frozen=True)
class Call:
    """len(x), has(x) on a placeholder; any(a, b, ...) and pat(glob) on the right side."""

    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Condition:
    text: str
    left: Any
    op: str
    right: Any
    degraded: bool = False


def parse_all(lines: list[str]) -> list[Condition]:
    """Parse every condition (numbered from 1), or raise ConditionError for the first bad one."""
    if len(lines) > MAX_CONDITIONS:
        raise ConditionError(MAX_CONDITIONS + 1, str(lines[MAX_CONDITIONS]), 1,
                             f"at most {MAX_CONDITIONS} conditions")
    return [parse(line, n) for n, line in enumerate(lines, 1)]


def parse(text: str, number: int = 1) -> Condition:
    if not isinstance(text, str):
        raise ConditionError(number, repr(text), 1, "a condition must be text")
    return _Scanner(text, number).condition()


def parse_duration(word: str) -> timedelta | None:
    if not _DURATION.fullmatch(word):
        return None
    return timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in _DURATION_PART.findall(word)))


class _Scanner:
    def __init__(self, text: str, number: int) -> None:
        self.text, self.number, self.pos = text, number, 0

    def fail(self, reason: str, pos: int | None = None) -> ConditionError:
        return ConditionError(self.number, self.text, (self.pos if pos is None else pos) + 1,
                              reason)

    def condition(self) -> Condition:
        if len(self.text) > MAX_CONDITION_CHARS:
            raise self.fail(f"a condition is at most {MAX_CONDITION_CHARS} characters",
                            MAX_CONDITION_CHARS)
        self.space()
        degraded = self.text[self.pos:].lower().startswith(DEGRADED)
        if degraded:
            self.pos += len(DEGRADED)
            self.space()
        if self.pos >= len(self.text):
            raise self.fail("the condition is empty")
        left = self.operand(left_side=True)
        self.space()
        op = next((o for o in OPERATORS if self.text.startswith(o, self.pos)), None)
        if op is None:
            raise self.fail("expected an operator (== != < <= > >=)")
        self.pos += len(op)
        self.space()
        if self.pos >= len(self.text):
            raise self.fail(f"expected a value after {op}")
        start = self.pos
        right = self.operand(left_side=False)
        if isinstance(right, Call) and right.name in ("any", "pat") and op not in ("==", "!="):
            raise self.fail(f"{right.name}() works with == and != only", start)
        self.space()
        if self.pos < len(self.text):
            raise self.fail(f"unexpected {self.text[self.pos]!r} after the condition")
        return Condition(self.text.strip(), left, op, right, degraded)

    def space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def operand(self, left_side: bool) -> Any:
        if self.text.startswith("[", self.pos):
            return self.placeholder()
        match = _CALL.match(self.text, self.pos)
        if match:
            name, start = match[1], self.pos
            if left_side and name in ("any", "pat"):
                raise self.fail(f"{name}() belongs on the right of the operator", start)
            self.pos = match.end()
            return self.call(name, start)
        return self.literal()

    def placeholder(self) -> Placeholder:
        start = self.pos
        end = self.text.find("]", start)
        name = self.text[start + 1:end] if end > 0 else ""
        if name not in PLACEHOLDERS:
            shown = self.text[start:end + 1] if end > 0 else self.text[start:start + 20]
            raise self.fail(f"unknown placeholder {shown} (known: "
                            f"{', '.join(f'[{p}]' for p in PLACEHOLDERS)})", start)
        self.pos = end + 1
        path = self.path() if name in ("BODY", "HEADER") else ()
        if name == "HEADER" and len(path) != 1:
            raise self.fail("[HEADER] needs one header name, like [HEADER].Content-Type")
        return Placeholder(name, path)

    def path(self) -> tuple[str | int, ...]:
        parts: list[str | int] = []
        while self.pos < len(self.text) and self.text[self.pos] in ".[":
            if len(parts) >= MAX_PATH_PARTS:
                raise self.fail(f"a path has at most {MAX_PATH_PARTS} parts")
            if self.text[self.pos] == "[":
                match = _INDEX.match(self.text, self.pos)
                if not match:
                    raise self.fail("expected a list index like [0]")
                parts.append(int(match[1]))
                self.pos = match.end()
                continue
            self.pos += 1
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] not in _PATH_STOP:
                self.pos += 1
            if self.pos == start:
                raise self.fail("expected a name after '.'")
            parts.append(self.text[start:self.pos])
        return tuple(parts)

    def call(self, name: str, start: int) -> Call:
        self.space()
        if name == "pat":
            args: list[Any] = [self.pattern()]
        elif name == "any":
            args = self.values()
        else:
            if not self.text.startswith("[", self.pos):
                raise self.fail(f"{name}() takes a placeholder, like {name}([BODY].items)")
            args = [self.placeholder()]
        self.space()
        if not self.text.startswith(")", self.pos):
            raise self.fail(f"expected ')' to close {name}( opened at column {start + 1}")
        self.pos += 1
        return Call(name, tuple(args))

    def values(self) -> list[Any]:
        out: list[Any] = []
        while True:
            self.space()
            if len(out) >= MAX_ANY_VALUES:
                raise self.fail(f"any() takes at most {MAX_ANY_VALUES} values")
            match = _PAT.match(self.text, self.pos)
            if match:
                start, self.pos = self.pos, match.end()
                out.append(self.call("pat", start))
            else:
                out.append(self.literal())
            self.space()
            if not self.text.startswith(",", self.pos):
                return out
            self.pos += 1

    def pattern(self) -> str:
        """The glob of pat(): quoted, or raw up to the closing parenthesis."""
        if self.pos < len(self.text) and self.text[self.pos] in "\"'":
            return self.quoted()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] != ")":
            self.pos += 2 if self.text[self.pos] == "\\" else 1
        return self.text[start:self.pos].rstrip()

    def quoted(self) -> str:
        quote, start = self.text[self.pos], self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            self.pos += 1
            if char == quote:
                return "".join(out)
            out.append(char)
        raise self.fail(f"the text opened with {quote} here is not closed", start)

    def literal(self) -> Any:
        if self.pos < len(self.text) and self.text[self.pos] in "\"'":
            return self.quoted()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _BARE_STOP:
            self.pos += 1
        word = self.text[start:self.pos]
        if not word:
            found = repr(self.text[self.pos]) if self.pos < len(self.text) else "the end"
            raise self.fail(f"expected a value, found {found}")
        return read_word(word)


def read_word(word: str) -> Any:
    """A bare word's value: a number, a duration, true/false/null, or the text itself."""
    if _NUMBER.fullmatch(word):
        return float(word) if any(c in word for c in ".eE") else int(word)
    lowered = word.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    duration = parse_duration(word)
    return word if duration is None else duration
