"""Parser for the Prometheus text exposition format 0.0.4 (dependency-free).

Used by the prometheus probe and the metrics-ingestion API. It follows the reference
parser (prometheus/common expfmt) where that is strict: names, label escapes, duplicate
labels and metric types are checked, and every error names its line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from typing import NamedTuple

from jadugar.memo import Memo


class Sample(NamedTuple):
    name: str
    labels: dict[str, str]
    value: float
    timestamp_ms: int | None


class Columns(NamedTuple):
    """The samples of an exposition as columns: sample i is `series[series_of[i]]` (name,
    labels) with `values[i]` and `timestamps[i]`. Series are in order of first line."""

    series: list[tuple[str, dict[str, str]]]
    series_of: list[int]
    values: list[float]
    timestamps: list[int | None]


class SampleRefused(ValueError):
    """A sample that parses but that the caller's `check` will not take."""


METRIC_TYPES = frozenset({"counter", "gauge", "histogram", "summary", "untyped"})

_METRIC_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_DECIMAL_TEXT = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
# A series key as programs write it: `name` or `name{a="x",b="y"}`, no spaces around the
# labels. It reads the same through the general path.
_FAST_VALUE = r'[^"\\\n]*(?:\\.[^"\\\n]*)*'  # escapes unrolled: no alternation per character
_FAST_LABEL = rf'[a-zA-Z_][a-zA-Z0-9_]*="{_FAST_VALUE}"'
_FAST_LABELS = rf"(?:{_FAST_LABEL}(?:,{_FAST_LABEL})*,?)?"
_FAST_KEY = re.compile(rf"({_METRIC_NAME})(?:\{{({_FAST_LABELS})\}})?")
_FAST_PAIR = re.compile(rf'([a-zA-Z_][a-zA-Z0-9_]*)="({_FAST_VALUE})"')
# Reading whole texts at once (see _read_uniform).
_ASCII_DECIMALS = re.compile(r"[0-9.eE+-]*")
_ASCII_TIMESTAMP = re.compile(r"[+-]?[0-9]{1,19}")
# Reading line by line (see _read_lines): one findall over the whole text takes each line
# with a fast key, a decimal value and a short integer timestamp; the second branch
# captures any other line whole, for the general path. One match per line: match i is line
# i + 1.
_LINE = re.compile(
    rf"(?:({_METRIC_NAME}(?:\{{{_FAST_LABELS}\}})?)"
    rf"[ \t]+({_DECIMAL_TEXT})(?:[ \t]+([+-]?\d{{1,19}}))?[ \t]*\r*|([^\n]*))\n")
# What follows the key of a line read before: a decimal value, an integer timestamp.
_KNOWN_TAIL = re.compile(rf"[ \t]+({_DECIMAL_TEXT})(?:[ \t]+([+-]?\d+))?[ \t]*")
# The general path, line by line.
_PLAIN = re.compile(rf"[ \t]*({_METRIC_NAME})[ \t]+(\S+)(?:[ \t]+(\S+))?[ \t]*")
_NAME = re.compile(rf"[ \t]*({_METRIC_NAME})")
_LABEL = re.compile(r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*')
_CLOSE = re.compile(r"[ \t]*\}")
_TAIL = re.compile(r"[ \t]*(\S+)(?:[ \t]+(\S+))?[ \t]*")
_DECIMAL = re.compile(_DECIMAL_TEXT)
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
    once, as its first line gives it; the samples of one series share its labels dict."""
    columns = parse_columns(text, check)
    names = [name for name, _ in columns.series]
    labels = [labels for _, labels in columns.series]
    return list(map(Sample, map(names.__getitem__, columns.series_of),
                    map(labels.__getitem__, columns.series_of), columns.values,
                    columns.timestamps))


def parse_columns(text: str, check: Callable[[Sample], None] | None = None) -> Columns:
    """parse(), as columns: what a bulk insert wants, without an object per sample."""
    columns = _read_uniform(text, check)
    return columns if columns is not None else _read_lines(text, check)


def _read_uniform(text: str, check: Callable[[Sample], None] | None) -> Columns | None:
    """The columns of a text whose lines are all `key value` or all `key value timestamp`,
    one space apart, with fast keys and ASCII numbers, as programs write them; else None,
    for _read_lines. Each step runs over the whole text: no line is looked at alone."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    spaces = set(map(str.count, lines, repeat(" ")))
    if spaces != {1} and spaces != {2}:
        return None  # also no lines, blank lines and comments (# TYPE x y has 3 spaces)
    width = spaces.pop() + 1
    tokens = " ".join(lines).split(" ")
    keys, texts = tokens[0::width], tokens[1::width]
    # On these characters float() takes just what _DECIMAL does.
    if not _ASCII_DECIMALS.fullmatch("".join(texts)):
        return None
    try:
        values = list(map(float, texts))
    except ValueError:
        return None
    stamps: list[str] | None = tokens[2::width] if width == 3 else None
    if stamps is None:
        timestamps: list[int | None] = [None] * len(keys)
    else:
        stamp_of: dict[str, int | None] = {}
        for stamp in set(stamps):
            if not _ASCII_TIMESTAMP.fullmatch(stamp):
                return None
            stamp_of[stamp] = int(stamp)
        timestamps = list(map(stamp_of.__getitem__, stamps))
    distinct = dict.fromkeys(keys)
    found = _find_series(distinct, {}) if "" not in distinct else None
    if found is None:
        return None
    series, index = _index_series(found, keys, values, stamps, check)
    return Columns(series, list(map(index.__getitem__, keys)), values, timestamps)


def _read_lines(text: str, check: Callable[[Sample], None] | None) -> Columns:
    """Any text: lines _LINE takes are read in bulk, the others one by one by the general
    path, which says what is wrong with the first bad one."""
    keys, values, stamps, rest = zip(*_LINE.findall(text + "\n"), strict=True)
    known: dict[str, tuple[str, dict[str, str]]] = {}
    stop, error = len(keys), None
    if any(rest):
        # Lines the general path reads join the columns: values as floats, not text.
        keys, values, stamps = list(keys), list(values), list(stamps)
        for i in compress(range(len(rest)), rest):
            try:
                sample, key = _read_line(rest[i], known)
            except ValueError as exc:
                stop, error = i, exc
                break
            if sample is not None:
                keys[i], values[i], stamps[i] = key, sample.value, sample.timestamp_ms
                known.setdefault(key, (sample.name, sample.labels))
    read = keys[:stop] if error is not None else keys
    # Only the series before a bad line are checked: one of them may be refused first.
    found = _find_series(dict.fromkeys(read), known)
    assert found is not None  # every key here is a fast one, or known
    series, index = _index_series(found, read, values, stamps, check)
    if error is not None:
        raise ValueError(f"line {stop + 1}: {error}")
    stamp_of = {stamp: _int(stamp) for stamp in set(stamps)}
    return Columns(series, list(map(index.__getitem__, compress(keys, keys))),
                   list(map(float, compress(values, keys))),
                   list(map(stamp_of.__getitem__, compress(stamps, keys))))


def _read_line(line: str, known: dict[str, tuple[str, dict[str, str]]]
               ) -> tuple[Sample | None, str]:
    """A line _LINE leaves: blank, a comment, or a sample read by the general path, with
    its series key (`name{labels}` as written, or the name alone). A line repeating the
    key of one read so is read from there on, as the general path goes on after labels."""
    end = line.rfind("}") + 1
    seen = known.get(line[:end]) if end else None
    if seen is not None:
        tail = _KNOWN_TAIL.fullmatch(line, end)
        if tail:
            stamp = tail[2]
            return (Sample(*seen, float(tail[1]), int(stamp) if stamp is not None else None),
                    line[:end])
    stripped = line.strip()
    if not stripped:
        return None, ""
    if stripped[0] == "#":
        _check_comment(stripped)
        return None, ""
    sample, end = _parse_line(line)
    return sample, line[:end] if end else sample.name


_Found = dict[str, tuple[str, dict[str, str]] | ValueError]


def _find_series(keys: Iterable[str], known: dict[str, tuple[str, dict[str, str]]]
                 ) -> _Found | None:
    """Each series key's (name, labels), or the error of its first line; "" (blank and
    comment lines) is skipped. None when a key is not a fast one (_read_uniform only)."""
    found: _Found = {}
    for key in keys:
        if key:
            try:
                got = known.get(key) or _fast_series(key)
            except ValueError as exc:
                got = exc
            if got is None:
                return None
            found[key] = got
    return found


def _index_series(found: _Found, keys: list[str], values: list, stamps: list | None,
                  check: Callable[[Sample], None] | None
                  ) -> tuple[list[tuple[str, dict[str, str]]], dict[str, int]]:
    """The series in order of first line, and each key's place among them. Raises the
    error, or the refusal by `check`, of the first line that has one."""
    first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
    series: list[tuple[str, dict[str, str]]] = []
    index: dict[str, int] = {}
    for key, got in found.items():
        at = first[key]
        try:
            if isinstance(got, ValueError):
                raise got
            if check is not None:
                stamp = _int(stamps[at]) if stamps is not None else None
                check(Sample(*got, float(values[at]), stamp))
        except SampleRefused as exc:
            raise SampleRefused(f"line {at + 1}: {exc}") from None
        except ValueError as exc:
            raise ValueError(f"line {at + 1}: {exc}") from None
        index[key] = len(series)
        series.append(got)
    return series, index


# Fast keys read before, as (name, label pairs): clients send the same series every time.
_fast_keys: Memo[str, tuple[str, tuple[tuple[str, str], ...]]] = Memo(50_000)
_FAST_KEY_CACHED_LENGTH = 500


def _fast_series(key: str) -> tuple[str, dict[str, str]] | None:
    """The name and labels (a new dict) of a fast key, else None."""
    seen = _fast_keys.get(key)
    if seen is not None:
        return seen[0], dict(seen[1])
    match = _FAST_KEY.fullmatch(key)
    if match is None:
        return None
    labels: dict[str, str] = {}
    for name, value in _FAST_PAIR.findall(match[2] or ""):
        if name in labels:  # checks in the order of _labels, for the same first error
            raise ValueError(f"duplicate label {name!r}")
        labels[name] = _unescape(value)
    if len(key) <= _FAST_KEY_CACHED_LENGTH:
        _fast_keys.keep(key, (match[1], tuple(labels.items())))
    return match[1], labels


def _int(text: str | int | None) -> int | None:
    """A timestamp column's entry: text from _LINE ("" for none), or as read."""
    return None if text is None or text == "" else int(text)


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
