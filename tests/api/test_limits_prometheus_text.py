"""Prometheus text is parsed in time linear in its size: a line with a huge number of labels
used to cost quadratic time (each label re-sliced the rest of the line)."""

import time

from jadugar import limits, prometheus_text


def test_it_parses_a_line_with_200000_labels_in_linear_time():
    line = "m{" + ",".join(f'l{i}="v"' for i in range(200_000)) + "} 1\n"
    started = time.monotonic()
    [sample] = prometheus_text.parse(line)
    assert len(sample.labels) == 200_000
    assert time.monotonic() - started < 5  # about 0.3 s; the quadratic parser took ~20 s


def test_it_refuses_such_a_line_on_the_api_naming_the_limit(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    body = "# a comment\nm{" + ",".join(f'l{i}="v"' for i in range(200_000)) + "} 1\n"
    started = time.monotonic()
    r = api.post("/metrics?application=shop", data=body, content_type="text/plain")
    assert r.status_code == 422 and r.json["error"]["code"] == "limit_exceeded"
    assert r.json["error"]["message"].startswith("line 2: ")
    assert f"more than {limits.LABELS_PER_SERIES} labels" in r.json["error"]["message"]
    assert time.monotonic() - started < 10
