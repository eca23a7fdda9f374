"""Texts of lines that are nearly what programs write, with one odd piece here and there:
read in bulk, they give exactly what reading each line alone gives, or the same error (the
first bad line's), or the same refusal by the check."""

from __future__ import annotations

import pytest
from fuzz_settings import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from jadugar.prometheus_text import Sample, SampleRefused, parse, parse_line

pytestmark = pytest.mark.fuzz

NAME = st.sampled_from(["up", "cpu_seconds", "a:b", "9x", "", "up-time"])
KEY = st.sampled_from(["host", "mode", "le", "9k", "a b"])
VALUE_TEXT = st.sampled_from(["a", "h1", "", "+Inf", "a b", 'a\\"b', "a\\\\b", "a\\nb",
                              "a\\tb", "a}b", "a,b=c", "\t", "\r", "\u00e9"])
LABEL = st.builds(lambda k, v: f'{k}="{v}"', KEY, VALUE_TEXT) | st.sampled_from(
    ['host="h1', "host=h1", 'host = "h1"', ""])
LABELS = st.lists(LABEL, max_size=3).map(",".join).map(lambda s: f"{{{s}}}") | st.just("")
VALUE = st.sampled_from(["1", "0", "-1.5", ".5", "1.", "1e3", "1E-3", "+2", "NaN", "+Inf",
                         "-inf", "1_000", "0x1", "", "--1", "1.5.5", "\u0661", "1e999"])
STAMP = st.sampled_from(["", " 1767225600000", " -1", " 0", " 1.5", " +", " \u0661",
                         " 12345678901234567890123", " 1 2"])
SEP = st.sampled_from([" ", " ", " ", "  ", "\t", ""])
END = st.sampled_from(["", "", "", " ", "\r", "\t"])
SAMPLE = st.builds(lambda n, ls, s1, v, s2, t, e: f"{n}{ls}{s1}{v}{t}{e}",
                   NAME, LABELS, SEP, VALUE, SEP, STAMP, END)
COMMENT = st.sampled_from(["# HELP up Whether it is up", "# TYPE up gauge", "# TYPE up",
                           "# TYPE up thing", "# just words", "#", "  # HELP 9x x", "",
                           "  ", "\r"])
# Mostly one series written well, so that whole texts are uniform often enough.
GOOD = st.builds(lambda h, v, t: f'cpu_seconds{{host="h{h}",mode="idle"}} {v} {t}',
                 st.integers(0, 3), st.integers(-5, 5), st.integers(0, 3))
LINES = st.lists(GOOD | GOOD | GOOD | SAMPLE | COMMENT, min_size=1, max_size=12)


def _line_by_line(text: str, check) -> list[Sample]:
    samples = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        try:
            if stripped.startswith("#"):
                assert parse(line) == []  # the comment alone: valid, or its error
            elif stripped:
                sample = parse_line(line)
                if check is not None:
                    check(sample)
                samples.append(sample)
        except SampleRefused as exc:
            raise SampleRefused(f"line {number}: {exc}") from None
        except ValueError as exc:
            message = str(exc).removeprefix("line 1: ")
            raise ValueError(f"line {number}: {message}") from None
    return samples


def _refuse_host_h2(sample: Sample) -> None:
    if sample.labels.get("host") == "h2":
        raise SampleRefused("no h2")


def _outcome(read, text: str, check):
    try:
        return read(text, check)
    except SampleRefused as exc:
        return "refused", str(exc)
    except ValueError as exc:
        return "error", str(exc)


@FUZZ
@given(lines=LINES, newline=st.booleans(), check=st.sampled_from([None, _refuse_host_h2]))
def test_a_text_reads_as_its_lines_one_by_one(lines, newline, check):
    text = "\n".join(lines) + ("\n" if newline else "")
    # repr: NaN equals itself there, and labels compare as dicts inside Sample's repr
    assert repr(_outcome(parse, text, check)) == repr(_outcome(_line_by_line, text, check))
