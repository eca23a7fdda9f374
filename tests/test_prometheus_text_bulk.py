"""A text is read in bulk: at once when every line is `key value[ timestamp]` as programs
write them, else each line the fast pattern takes in one findall and the others one by one.
Either way it reads exactly as line by line, and an error names the first bad line."""

import math

import pytest

from jadugar import prometheus_text
from jadugar.prometheus_text import Sample, SampleRefused, parse, parse_columns, parse_line


def _uniform(n: int, stamp: bool = True) -> list[str]:
    return [f'cpu_seconds{{host="h{i % 7}",mode="idle"}} {i}.5'
            + (f" {1767225600000 + i}" if stamp else "") for i in range(n)]


def _line_by_line(text: str) -> list[Sample]:
    samples = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            assert parse(line) == []  # a valid comment
        elif stripped:
            try:
                samples.append(parse_line(line))
            except ValueError as exc:
                raise ValueError(f"line {number}: {exc}") from None
    return samples


def test_it_reads_a_uniform_text_as_line_by_line():
    text = "\n".join(_uniform(50)) + "\n"
    assert parse(text) == _line_by_line(text)
    assert parse(text)[3] == Sample("cpu_seconds", {"host": "h3", "mode": "idle"}, 3.5,
                                    1767225600003)


def test_it_reads_a_uniform_text_at_once(monkeypatch):
    monkeypatch.setattr(prometheus_text, "_read_lines", None)  # the line-by-line reader
    assert len(parse("\n".join(_uniform(30)) + "\n")) == 30
    assert len(parse("\n".join(_uniform(30, stamp=False)))) == 30


def test_it_reads_a_uniform_text_without_timestamps():
    text = "\n".join(_uniform(20, stamp=False))
    assert parse(text) == _line_by_line(text)
    assert {s.timestamp_ms for s in parse(text)} == {None}


def test_it_gives_columns_with_one_entry_per_series():
    columns = parse_columns("\n".join(_uniform(14)) + "\nup 1\nup 0\n")
    assert [name for name, _ in columns.series] == ["cpu_seconds"] * 7 + ["up"]
    assert columns.series[2] == ("cpu_seconds", {"host": "h2", "mode": "idle"})
    assert columns.series_of == [*range(7), *range(7), 7, 7]
    assert columns.values[-3:] == [13.5, 1.0, 0.0]
    assert columns.timestamps[-3:] == [1767225600013, None, None]


@pytest.mark.parametrize("odd", [
    'cpu_seconds{host="a\\"b\\\\c\\nd"} 1 1767225600000',  # escapes
    'cpu_seconds{host="a b"} 1 1767225600000',  # a space in a label value
    'cpu_seconds{host="h1", mode="idle"} 1 1767225600000',
    'cpu_seconds{host="h1"}\t1\t1767225600000',
    'cpu_seconds{host="h1"}  1 1767225600000',
    'cpu_seconds{host="h1"} 1 1767225600000 ',
    'cpu_seconds{host="h1"} 1 1767225600000\r',
    "  up 1 1767225600000",
    " up 1",  # as many spaces as a uniform line, one of them first
    'cpu_seconds{host="h1"}1 1767225600000',
    'cpu_seconds{host="h1"} NaN 1767225600000',
    'cpu_seconds{host="h1"} +Inf 1767225600000',
    'cpu_seconds{host="h1"} -inf 1767225600000',
    'cpu_seconds{host="h1"} \u0661.5 1767225600000',  # Arabic-Indic digits, as \d reads
    'cpu_seconds{host="h1"} 1 \u0661\u0662',
    'cpu_seconds{host="h1"} 1 12345678901234567890123',
    'cpu_seconds{host="h1"} 1e3 1767225600000',
    'cpu_seconds{host="h1"} .5 -1',
    'cpu_seconds{host="h1",} 1 1767225600000',
    "cpu_seconds{} 1 1767225600000",
    "# HELP cpu_seconds Seconds the CPUs spent in each mode.",
    "# TYPE cpu_seconds counter",
    "# any comment",
    "",
    "   ",
])
@pytest.mark.parametrize("where", [0, 5, 9])
def test_it_reads_an_odd_line_among_uniform_ones_as_line_by_line(odd, where):
    lines = _uniform(10)
    lines.insert(where, odd)
    text = "\n".join(lines)
    assert parse(text) == _line_by_line(text)


@pytest.mark.parametrize(("bad", "error"), [
    ("cpu_seconds 1_000 1767225600000", "invalid value '1_000'"),
    ("cpu_seconds 0x1 1767225600000", "invalid value '0x1'"),
    ("cpu_seconds 1.5.5 1767225600000", "invalid value '1.5.5'"),
    ("cpu_seconds 1 -", "invalid timestamp '-'"),
    ("cpu_seconds 1 +", "invalid timestamp '+'"),
    ("cpu_seconds 1 1.5", "invalid timestamp '1.5'"),
    ("cpu_seconds 1 2 3", "expected 'value [timestamp]' after 'cpu_seconds', got 3 fields"),
    ('cpu_seconds{a="1",a="2"} 1 1767225600000', "duplicate label 'a'"),
    ('cpu_seconds{a="1} 1 1767225600000', "invalid label"),
    ("9cpu 1 1767225600000", "invalid metric name"),
    (" 1 1767225600000", "invalid metric name"),
    ("cpu_seconds", "missing value after 'cpu_seconds'"),
    ("# TYPE cpu_seconds thing", "unknown metric type 'thing'"),
])
@pytest.mark.parametrize("where", [0, 5, 9])
def test_it_names_a_bad_line_among_uniform_ones(bad, error, where):
    lines = _uniform(10)
    lines.insert(where, bad)
    with pytest.raises(ValueError) as raised:
        parse("\n".join(lines))
    assert str(raised.value).startswith(f"line {where + 1}: {error}")


def test_it_names_the_first_of_two_bad_lines():
    lines = _uniform(10)
    lines[7] = 'cpu_seconds{a="1",a="2"} 1 1767225600000'
    lines[3] = "cpu_seconds one 1767225600000"
    with pytest.raises(ValueError, match="^line 4: invalid value 'one'"):
        parse("\n".join(lines))


def _refuse_mode(sample: Sample) -> None:
    if sample.labels.get("mode") == "steal":
        raise SampleRefused("no steal")


@pytest.mark.parametrize("bad_line", [6, 9])
def test_a_refused_series_before_a_bad_line_is_the_error(bad_line):
    lines = _uniform(10)
    lines[4] = 'cpu_seconds{host="h1",mode="steal"} 1 1767225600000'
    lines[bad_line - 1] = "cpu_seconds{ 1"
    with pytest.raises(SampleRefused, match="^line 5: no steal$"):
        parse("\n".join(lines), _refuse_mode)


def test_a_bad_line_before_a_refused_series_is_the_error():
    lines = _uniform(10)
    lines[4] = 'cpu_seconds{host="h1",mode="steal"} 1 1767225600000'
    lines[2] = "cpu_seconds{ 1"
    with pytest.raises(ValueError, match="^line 3: invalid label") as raised:
        parse("\n".join(lines), _refuse_mode)
    assert not isinstance(raised.value, SampleRefused)


def test_it_refuses_a_series_in_a_uniform_text_naming_its_first_line():
    lines = _uniform(10)
    lines[6] = lines[8] = 'cpu_seconds{host="h1",mode="steal"} 1 1767225600000'
    with pytest.raises(SampleRefused, match="^line 7: no steal$"):
        parse("\n".join(lines), _refuse_mode)


def test_the_check_sees_the_first_line_of_each_series():
    seen = []
    parse('\n'.join(['up{a="1"} 1 10', 'up{a="1"} 2 20', "up 3", "up 4"]), seen.append)
    assert seen == [Sample("up", {"a": "1"}, 1.0, 10), Sample("up", {}, 3.0, None)]


def test_it_reads_special_values_in_a_text_of_many_lines():
    text = "\n".join(_uniform(5) + ["a NaN", "b +Inf 5", "c -Inf"])
    samples = parse(text)
    assert math.isnan(samples[5].value)
    assert samples[6:] == [Sample("b", {}, math.inf, 5), Sample("c", {}, -math.inf, None)]


def test_labels_read_from_an_earlier_text_are_a_new_dict():
    [first] = parse('up{job="a"} 1')
    first.labels["job"] = "changed"
    assert parse('up{job="a"} 1') == [Sample("up", {"job": "a"}, 1.0, None)]
