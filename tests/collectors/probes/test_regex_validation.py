"""Validation refuses a body_regex that RE2 cannot run (backreferences, lookaround, a
program too big to match in bounded time) with a 422 naming the field; what RE2 runs in
linear time, even the classic catastrophic pattern, is accepted."""

import pytest


@pytest.fixture
def shop(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    return "/applications/shop/checks"


def _check(**expect):
    return {"name": "c", "type": "http", "target": "http://example.com/", "interval_s": 30,
            "expect": expect}


@pytest.mark.parametrize(("pattern", "words"), [
    (r"(a)\1", "invalid escape sequence"),
    (r"version(?= \d)", "invalid perl operator"),
    (r"(?<!beta)release", "invalid perl operator"),
    ("[unclosed", "missing ]"),
    (r"(.*a){100}", "too complex"),
])
def test_it_refuses_a_pattern_re2_cannot_run_naming_the_field(api, shop, pattern: str,
                                                              words: str) -> None:
    r = api.post(shop, json=_check(body_regex=pattern))
    assert r.status_code == 422, r.json
    error = r.json["error"]
    assert error["field"] == "expect.body_regex"
    assert error["message"].startswith("expect.body_regex ") and words in error["message"]


@pytest.mark.parametrize("pattern", ["^(a+)+$", r"version \d+\.\d+", "(?i)<title>.*ok"])
def test_it_accepts_patterns_re2_runs_in_linear_time(api, shop, pattern: str) -> None:
    r = api.post(shop, json=_check(body_regex=pattern))
    assert r.status_code == 201, r.json
    assert r.json["expect"]["body_regex"] == pattern


def test_it_refuses_a_body_cap_above_what_the_probe_would_match(api, shop) -> None:
    r = api.post(shop, json={**_check(), "options": {"max_body_bytes": 8 * 1024 * 1024}})
    assert r.status_code == 422
    assert r.json["error"]["field"] == "options.max_body_bytes"

