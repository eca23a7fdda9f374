"""Parser for the Prometheus text exposition format 0.0.4 (dependency-free).

Used by the prometheus probe and the metrics-ingestion API. It follows the reference
parser (prometheus/common expfmt) where that is strict: names, label escapes, duplicate
labels and metric types are checked, and every error names its line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import NamedTuple


class Sample(NamedTuple):
    name: str
    labels: dict[str, str]
    value: float
    timestamp_ms: int | None


class SampleRefused(ValueError):
    """A sample that parses but that the caller's `check` will not take."""


METRIC_TYPES = frozenset({"counter", "gauge", "histogram", "summary", "untyped"})

_METRIC_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
# Fast path: most lines carry no labels.
_PLAIN = re.compile(rf"[ \t]*({_METRIC_NAME})[ \t]+(\S+)(?:[ \t]+(\S+))?[ \t]*")
_NAME = re.compile(rf"[ \t]*({_METRIC_NAME})")
_LABEL = re.compile(r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*')
_CLOSE = re.compile(r"[ \t]*\}")
_TAIL = re.compile(r"[ \t]*(\S+)(?:[ \t]+(\S+))?[ \t]*")
# Most lines, read by one match each: labels without escapes or spaces, a decimal value and
# an integer timestamp. Every line they match reads the same through the general path.
_SIMPLE_TAIL = r"[ \t]+([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:[ \t]+([+-]?\d+))?[ \t]*"
_PLAIN_TAIL = re.compile(_SIMPLE_TAIL)
_SIMPLE_LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"'
_SIMPLE = re.compile(rf"({_METRIC_NAME})\{{((?:{_SIMPLE_LABEL}(?:,{_SIMPLE_LABEL})*,?)?)\}}"
                     + _SIMPLE_TAIL)
_SIMPLE_PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="([^"\\]*)"')
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_TIMESTAMP = re.compile(r"[+-]?\d+")
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}
# Go's ParseFloat spellings, which exporters written in Go emit.
_SPECIAL = {"nan": math.nan, "+nan": math.nan, "-nan": math.nan}
for _sign, _factor in (("", 1), ("+", 1), ("-", -1)):
    _SPECIAL[f"{_sign}inf"] = _SPECIAL[f"{_sign}infinity"] = _factor * math.inf


def parse(text: str, check: Callable[[Sample], None] | None = None) -> list[Sample]:
    """Parse a whole exposition; raise ValueError("line N: ...") at the first bad line.

    `check` may refuse a well-formed sample by raising SampleRefused (the API's size
    limits); it gets the line number too, and stays a SampleRefused. It sees each series
    once: a line repeating the exact `name{labels}` of an earlier one reuses its name and
    labels (the same dict), and only its value and timestamp are read."""
    samples = []
    series: dict[str, tuple[str, dict[str, str]]] = {}
    label_sets: dict[str, dict[str, str]] = {}  # metrics of one target share label sets
    for number, line in enumerate(text.split("\n"), start=1):
        sample = _known_series(line, series)
        if sample is not None:
            samples.append(sample)
            continue
        try:
            simple = _SIMPLE.fullmatch(line)
            if simple:
                sample, end = _simple_sample(simple, label_sets), simple.end(2) + 1
            else:
                stripped = line.strip()
                if not stripped:
                    continue
                if stripped[0] == "#":
                    _check_comment(stripped)
                    continue
                sample, end = _parse_line(line)
            if check is not None:
                check(sample)
            samples.append(sample)
            if end:
                series[line[:end]] = (sample.name, sample.labels)
        except SampleRefused as exc:
            raise SampleRefused(f"line {number}: {exc}") from None
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    return samples


def _known_series(line: str, series: dict[str, tuple[str, dict[str, str]]]) -> Sample | None:
    """The sample of a line whose `name{labels}` is in `series` and whose value and
    timestamp are plain numbers, else None."""
    end = line.rfind("}") + 1
    known = series.get(line[:end]) if end else None
    if known is None:
        return None
    tail = _PLAIN_TAIL.fullmatch(line, end)
    if not tail:
        return None
    stamp = tail[2]
    return Sample(known[0], known[1], float(tail[1]), int(stamp) if stamp is not None else None)


def _simple_sample(match: re.Match[str], label_sets: dict[str, dict[str, str]]) -> Sample:
    labels = label_sets.get(match[2])
    if labels is None:
        pairs = _SIMPLE_PAIR.findall(match[2])
        labels = label_sets[match[2]] = dict(pairs)
        if len(labels) < len(pairs):
            name = next(k for i, (k, _) in enumerate(pairs) if k in dict(pairs[:i]))
            raise ValueError(f"duplicate label {name!r}")
    stamp = match[4]
    return Sample(match[1], labels, float(match[3]), int(stamp) if stamp is not None else None)


def parse_line(line: str) -> Sample:
    """Parse one sample line (no line number in errors; parse() adds it)."""
    return _parse_line(line)[0]


def _parse_line(line: str) -> tuple[Sample, int]:
    """The sample, and where its labels end (0 when it has none)."""
    line = line.rstrip("\r")
    plain = _PLAIN.fullmatch(line) if "{" not in line else None
    if plain:
        return Sample(plain[1], {}, parse_value(plain[2]), _timestamp(plain[3])), 0
    name_match = _NAME.match(line)
    if not name_match:
        raise ValueError(f"invalid metric name at {_excerpt(line)}")
    name, rest = name_match[1], line[name_match.end() :]
    if not rest.lstrip(" \t").startswith("{"):
        raise ValueError(_why_not_plain(name, rest))
    labels, pos = _labels(line, line.index("{", name_match.end()) + 1)
    tail = _TAIL.fullmatch(line, pos)
    if not tail:
        raise ValueError(f"expected ' value [timestamp]' after {_excerpt(line[:pos])}")
    return Sample(name, labels, parse_value(tail[1]), _timestamp(tail[2])), pos


def _why_not_plain(name: str, rest: str) -> str:
    # _PLAIN accepts every valid line without labels, so say what is wrong with this one.
    if not rest.strip():
        return f"missing value after {name!r}"
    if rest[0] not in " \t":
        return f"unexpected {rest[0]!r} after metric name {name!r}"
    fields = rest.split()
    if len(fields) > 2:
        return f"expected 'value [timestamp]' after {name!r}, got {len(fields)} fields"
    parse_value(fields[0])
    _timestamp(fields[1] if len(fields) > 1 else None)
    return f"cannot read {_excerpt(rest)}"


def parse_value(text: str) -> float:
    if _DECIMAL.fullmatch(text):
        return float(text)
    special = _SPECIAL.get(text.lower())
    if special is None:
        raise ValueError(f"invalid value {text!r}")
    return special


def _labels(line: str, pos: int) -> tuple[dict[str, str], int]:
    """Read `name="value", ...}` from pos; return the labels and the position after '}'."""
    labels: dict[str, str] = {}
    while True:
        close = _CLOSE.match(line, pos)  # matched in place: slicing would be quadratic
        if close:
            return labels, close.end()
        match = _LABEL.match(line, pos)
        if not match:
            raise ValueError(f"invalid label at {_excerpt(line[pos:])}")
        name = match[1]
        if name in labels:
            raise ValueError(f"duplicate label {name!r}")
        labels[name] = _unescape(match[2])
        pos = match.end()
        if line.startswith(",", pos):
            pos += 1
        elif not line.startswith("}", pos):
            raise ValueError(f"expected ',' or '}}' after label {name!r}")


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw

    def replace(match: re.Match[str]) -> str:
        char = _ESCAPES.get(match[1])
        if char is None:
            raise ValueError(f"invalid escape sequence '\\{match[1]}' in label value")
        return char

    return _ESCAPE.sub(replace, raw)


def _timestamp(text: str | None) -> int | None:
    if text is None:
        return None
    if not _TIMESTAMP.fullmatch(text):
        raise ValueError(f"invalid timestamp {text!r}")
    return int(text)


def _check_comment(line: str) -> None:
    """Validate # HELP / # TYPE lines; any other comment is free text."""
    parts = line[1:].split(None, 3)
    if len(parts) < 2 or parts[0] not in ("HELP", "TYPE"):
        return  # plain comment, or a bare "# HELP" which the reference parser also skips
    if not re.fullmatch(_METRIC_NAME, parts[1]):
        raise ValueError(f"invalid metric name {parts[1]!r} in # {parts[0]}")
    if parts[0] == "TYPE":
        kind = parts[2] if len(parts) > 2 else ""
        if kind not in METRIC_TYPES or len(parts) > 3:
            raise ValueError(f"unknown metric type {' '.join(parts[2:])!r}")


def _excerpt(text: str) -> str:
    return repr(text.strip()[:40])
