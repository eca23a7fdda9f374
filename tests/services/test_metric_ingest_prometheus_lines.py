"""A line repeating an earlier series (`name{labels}`) is read from the value on; it must
give exactly what reading the whole line gives, or the same error."""

import pytest

from jadugar import prometheus_text

FIRST = 'http_requests_total{code="200",path="/a}b"} 1 1767225600000'


@pytest.mark.parametrize("second", [
    'http_requests_total{code="200",path="/a}b"} 2 1767225601000',
    'http_requests_total{code="200",path="/a}b"} 2',
    'http_requests_total{code="200",path="/a}b"}\t-1.5e3\t1767225601000\t',
    'http_requests_total{code="200",path="/a}b"}3',
    'http_requests_total{code="200",path="/a}b"} NaN',
    'http_requests_total{code="200",path="/a}b"} +Inf 1767225601000',
    'http_requests_total{code="200",path="/a}b"} 4 1767225601000\r',
    'http_requests_total{code="200",path="/a}b"} 5 -7',
    '  http_requests_total{code="200",path="/a}b"} 6',
])
def test_it_reads_a_repeated_series_as_a_whole_line(second):
    samples = prometheus_text.parse(f"{FIRST}\n{second}\n")
    assert samples == [prometheus_text.parse_line(FIRST), prometheus_text.parse_line(second)]


@pytest.mark.parametrize("second", [
    'http_requests_total{code="200",path="/a}b"} 2 3 4',
    'http_requests_total{code="200",path="/a}b"} 0x1',
    'http_requests_total{code="200",path="/a}b"} 1 1.5',
    'http_requests_total{code="200",path="/a}b"} 1 }',
    'http_requests_total{code="200",path="/a}b"}',
])
def test_it_refuses_a_bad_tail_on_a_repeated_series_naming_the_line(second):
    with pytest.raises(ValueError, match="line 2: ") as caught:
        prometheus_text.parse(f"{FIRST}\n{second}\n")
    with pytest.raises(ValueError) as alone:
        prometheus_text.parse_line(second)
    assert str(caught.value) == f"line 2: {alone.value}"


def test_it_checks_each_series_once():
    seen = []
    prometheus_text.parse("\n".join([FIRST] * 5 + ["up 1", "up 2"]), seen.append)
    assert [s.name for s in seen] == ["http_requests_total", "up"]
