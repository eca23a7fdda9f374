import pytest

from jadugar.errors import Invalid
from jadugar.services.check_fields import clean_check


def _check(kind: str, target: str, expect=None, options=None) -> dict:
    data = {"name": "c", "type": kind, "target": target, "interval_s": 60}
    if expect is not None:
        data["expect"] = expect
    if options is not None:
        data["options"] = options
    return data


@pytest.mark.parametrize("kind,target,expect,options,field", [
    ("http", "https://x.test", {"status": "nope"}, None, "expect.status"),
    ("http", "https://x.test", {"max_response_ms": -5}, None, "expect.max_response_ms"),
    ("http", "https://x.test", {"body_regex": "("}, None, "expect.body_regex"),
    ("http", "https://x.test", {"json_value": 1}, None, "expect.json_path"),
    ("http", "https://x.test", None, {"method": "FETCH"}, "options.method"),
    ("http", "https://x.test", None, {"headers": {"X": 1}}, "options.headers"),
    ("http", "https://x.test", None, {"follow_redirects": "yes"}, "options.follow_redirects"),
    ("dns", "example.com", {"address": "999.1.1.1"}, None, "expect.address"),
    ("dns", "example.com", None, {"family": "ipv5"}, "options.family"),
    ("tls", "example.com:443", {"min_days_left": "soon"}, None, "expect.min_days_left"),
    ("prometheus", "http://x.test/metrics", {"rule": {"metric": "up", "op": "=>", "value": 1}},
     None, "expect.rule.op"),
    ("prometheus", "http://x.test/metrics", {"rule": {"op": ">=", "value": 1}}, None,
     "expect.rule.metric"),
    ("prometheus", "http://x.test/metrics", {"rule": {"metric": "up", "value": "x"}}, None,
     "expect.rule.value"),
    ("prometheus", "http://x.test/metrics", None, {"series": "up"}, "options.series"),
])
def test_it_refuses_what_the_probe_could_not_run(kind, target, expect, options, field):
    with pytest.raises(Invalid) as err:
        clean_check(_check(kind, target, expect, options), partial=False)
    assert err.value.field == field


@pytest.mark.parametrize("kind,target,expect,options", [
    ("http", "https://x.test", {"status": ["2xx", 301], "max_response_ms": 500,
                                "json_path": "a.b", "json_value": True},
     {"method": "post", "headers": {"X-A": "1"}, "body": "{}", "verify_tls": False}),
    ("dns", "example.com", {"address": "2001:db8::1"}, {"family": "ipv6"}),
    ("tls", "example.com", {"min_days_left": 21}, {"server_name": "example.com"}),
    ("prometheus", "http://x.test/metrics",
     {"rule": {"metric": "up", "op": "==", "value": 1, "labels": {"job": "api"}}},
     {"series": ["up", "http_requests_total"]}),
    ("tcp", "db:5432", {}, {}),
])
def test_it_accepts_each_types_own_options(kind, target, expect, options):
    assert clean_check(_check(kind, target, expect, options), partial=False)["type"] == kind
