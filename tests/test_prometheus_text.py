import math

import pytest

from jadugar.prometheus_text import Sample, parse

GOOD = [
    ("", []),
    ("\n\n  \n", []),
    ("# just a comment\n#\n# HELP\n", []),
    ("up 1", [Sample("up", {}, 1.0, None)]),
    ("up 1\r\n", [Sample("up", {}, 1.0, None)]),
    ("  up \t 1  ", [Sample("up", {}, 1.0, None)]),
    ("up 1 1700000000000", [Sample("up", {}, 1.0, 1700000000000)]),
    ("up -1.5e3 -5", [Sample("up", {}, -1500.0, -5)]),
    ("a:b_c 0.5", [Sample("a:b_c", {}, 0.5, None)]),
    ("up{} 1", [Sample("up", {}, 1.0, None)]),
    ('up{job="api"} 1', [Sample("up", {"job": "api"}, 1.0, None)]),
    ('up{job="api",} 1', [Sample("up", {"job": "api"}, 1.0, None)]),
    ('up { job = "api" , a="" } 1', [Sample("up", {"job": "api", "a": ""}, 1.0, None)]),
    ('up{path="/a b}c,d=e"} 1', [Sample("up", {"path": "/a b}c,d=e"}, 1.0, None)]),
    (
        r'up{v="back\\slash \"quoted\" new\nline"} 1',
        [Sample("up", {"v": 'back\\slash "quoted" new\nline'}, 1.0, None)],
    ),
    ('up{v="ünïcødé"} 1', [Sample("up", {"v": "ünïcødé"}, 1.0, None)]),
    ("up +Inf", [Sample("up", {}, math.inf, None)]),
    ("up -Inf", [Sample("up", {}, -math.inf, None)]),
    (
        '# HELP x Some help with \\n escapes\n# TYPE x histogram\nx_bucket{le="+Inf"} 3',
        [Sample("x_bucket", {"le": "+Inf"}, 3.0, None)],
    ),
]

BAD = [
    ("up", "line 1: missing value after 'up'"),
    ("ok 1\nup one", "line 2: invalid value 'one'"),
    ("ok 1\n\n# c\nup 1 2 3", "line 4: expected 'value [timestamp]' after 'up', got 3 fields"),
    ("up 1 1.5", "line 1: invalid timestamp '1.5'"),
    ("up 1_000", "line 1: invalid value '1_000'"),
    ("9up 1", "line 1: invalid metric name"),
    ("up-time 1", "line 1: unexpected '-' after metric name 'up'"),
    ('up{job="api" 1', "line 1: expected ',' or '}' after label 'job'"),
    ('up{job="api} 1', "line 1: invalid label"),
    ("up{job=api} 1", "line 1: invalid label"),
    ('up{9job="api"} 1', "line 1: invalid label"),
    ('up{a="1",a="2"} 1', "line 1: duplicate label 'a'"),
    (r'up{a="\t"} 1', "line 1: invalid escape sequence '\\t' in label value"),
    ('up{a="1"}', "line 1: expected ' value [timestamp]'"),
    ("# TYPE up thing", "line 1: unknown metric type 'thing'"),
    ("# TYPE up", "line 1: unknown metric type ''"),
    ("# HELP 9up help", "line 1: invalid metric name '9up' in # HELP"),
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_it_parses_valid_expositions(text: str, expected: list[Sample]) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "error"), BAD)
def test_it_names_the_line_of_a_malformed_exposition(text: str, error: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse(text)
    assert str(raised.value).startswith(error)


@pytest.mark.parametrize("spelling", ["NaN", "nan", "+NaN"])
def test_it_reads_nan_in_any_spelling(spelling: str) -> None:
    assert math.isnan(parse(f"up {spelling}")[0].value)


def test_it_parses_a_large_page_quickly() -> None:
    lines = [f'req_total{{code="{i % 5}00",path="/p{i}"}} {i} 1700000000000' for i in range(20000)]
    lines += [f"gauge_{i} {i}.5" for i in range(20000)]
    samples = parse("\n".join(lines))
    assert len(samples) == 40000
    assert samples[-1] == Sample("gauge_19999", {}, 19999.5, None)
