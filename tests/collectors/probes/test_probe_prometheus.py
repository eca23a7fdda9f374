from collections.abc import Callable

import pytest

from collectors.probes import Result

Check = Callable[..., Result]


def test_it_keeps_the_chosen_series(check: Check, web_url: str) -> None:
    result = check("prometheus", f"{web_url}/metrics", options={"series": ["http_requests_total"]})
    assert (result.status, result.status_code) == ("up", 200)
    assert result.details["sample_count"] == 5
    assert result.details["samples"] == [
        ["http_requests_total", {"code": "200"}, 1027.0],
        ["http_requests_total", {"code": "500"}, 3.0],
    ]


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ({"metric": "up", "op": ">=", "value": 1}, None),
        ({"metric": "up", "op": "==", "value": 0, "labels": {"instance": "b"}}, None),
        (
            {"metric": "up", "op": ">=", "value": 1, "labels": {"instance": "b"}},
            'up{instance="b"} = 0, expected >= 1',
        ),
        (
            {"metric": "http_requests_total", "op": "<", "value": 5},
            "http_requests_total = 1027, expected < 5",
        ),
        ({"metric": "absent", "op": ">", "value": 0}, "metric absent not found"),
        ({"metric": "up", "op": "=~", "value": 1}, "invalid rule"),
    ],
)
def test_it_evaluates_the_rule_on_the_first_matching_sample(
    check: Check, web_url: str, rule: dict, error: str | None
) -> None:
    result = check("prometheus", f"{web_url}/metrics", expect={"rule": rule})
    assert result.status == ("up" if error is None else "down")
    assert (result.error or "").startswith(error or "")


def test_it_names_the_bad_line_of_a_broken_page(check: Check, web_url: str) -> None:
    result = check("prometheus", f"{web_url}/metrics/broken")
    assert result.status == "down"
    assert result.error.startswith("cannot parse metrics: line 2: ")


def test_it_reports_an_endpoint_that_fails(check: Check, web_url: str) -> None:
    result = check("prometheus", f"{web_url}/500")
    assert (result.status, result.error) == ("down", "metrics endpoint answered 500")


def test_it_refuses_a_page_larger_than_the_cap(check: Check, web_url: str) -> None:
    result = check("prometheus", f"{web_url}/huge", options={"max_body_bytes": 1000})
    assert result.error == "metrics page is larger than max_body_bytes (1000)"
