import time
from collections.abc import Callable

import pytest

from collectors.probes import Result

Check = Callable[..., Result]


def test_it_reports_a_healthy_page_as_up(check: Check, web_url: str) -> None:
    result = check("http", f"{web_url}/ok", expect={"body_contains": "all systems go"})
    assert (result.status, result.status_code, result.error) == ("up", 200, None)
    assert result.response_ms is not None and result.response_ms > 0


def test_it_reports_a_server_error_as_down_with_the_status(check: Check, web_url: str) -> None:
    result = check("http", f"{web_url}/500")
    assert (result.status, result.status_code) == ("down", 500)
    assert result.error == "expected status 200-399, got 500"


@pytest.mark.parametrize(
    ("expected_status", "outcome"),
    [([500], "up"), ("500-599", "up"), ("5xx", "up"), ("200-299", "down"), ([200, "3xx"], "down")],
)
def test_it_reads_status_as_a_list_or_a_range(
    check: Check, web_url: str, expected_status: object, outcome: str
) -> None:
    assert check("http", f"{web_url}/500", expect={"status": expected_status}).status == outcome


def test_it_follows_redirects_by_default(check: Check, web_url: str) -> None:
    result = check("http", f"{web_url}/redirect", expect={"status": [200]})
    assert (result.status, result.status_code) == ("up", 200)
    assert result.details["final_url"].endswith("/ok")


def test_it_can_judge_the_redirect_itself(check: Check, web_url: str) -> None:
    options = {"follow_redirects": False}
    assert check("http", f"{web_url}/redirect", options=options).status_code == 302
    result = check("http", f"{web_url}/redirect", options=options, expect={"status": "200-299"})
    assert result.error == "expected status 200-299, got 302"


def test_it_calls_a_slow_page_degraded(check: Check, web_url: str) -> None:
    result = check("http", f"{web_url}/slow", expect={"max_response_ms": 100})
    assert result.status == "degraded"
    assert result.error.startswith("response took ") and "(limit 100 ms)" in result.error


def test_it_sees_a_flapping_page_go_up_and_down(check: Check, web_url: str) -> None:
    statuses = {check("http", f"{web_url}/flapping").status for _ in range(2)}
    assert statuses == {"up", "down"}


def test_it_reads_only_the_start_of_a_huge_body(check: Check, web_url: str) -> None:
    started = time.perf_counter()
    result = check("http", f"{web_url}/huge", expect={"body_contains": "y"})
    assert time.perf_counter() - started < 2
    assert result.status == "down"
    assert result.error == "body does not contain 'y' in the first 65536 bytes"
    assert result.details["truncated"] is True


def test_it_gives_up_on_a_page_that_never_answers(check: Check, web_url: str) -> None:
    started = time.perf_counter()
    result = check("http", f"{web_url}/hang", timeout_s=0.5)
    assert time.perf_counter() - started < 2
    assert (result.status, result.error) == ("down", "timed out after 0.5 s")


@pytest.mark.parametrize(
    ("expect", "error"),
    [
        ({"json_path": "data.status", "json_value": "ok"}, None),
        ({"json_path": "items.0.name", "json_value": "a"}, None),
        (
            {"json_path": "data.status", "json_value": "busy"},
            "expected data.status == 'busy', got 'ok'",
        ),
        ({"json_path": "data.missing", "json_value": 1}, "JSON path 'data.missing' not found"),
        ({"body_regex": r'"status":\s*"ok"'}, None),
        ({"body_regex": r"^nope"}, "body does not match /^nope/"),
        ({"body_contains": "pending"}, "body does not contain 'pending'"),
    ],
)
def test_it_checks_the_body(check: Check, web_url: str, expect: dict, error: str | None) -> None:
    result = check("http", f"{web_url}/json", expect=expect)
    assert (result.status, result.error) == ("up" if error is None else "down", error)


def test_it_says_when_a_body_is_not_json(check: Check, web_url: str) -> None:
    result = check("http", f"{web_url}/ok", expect={"json_path": "a", "json_value": 1})
    assert result.error == "body is not valid JSON"


def test_it_sends_method_headers_and_body(check: Check, web_url: str) -> None:
    options = {"method": "post", "headers": {"X-Probe": "yes"}, "body": "hello"}
    expect = {"body_contains": "POST yes hello"}
    result = check("http", f"{web_url}/echo", options=options, expect=expect)
    assert result.status == "up", result.error


def test_it_reports_a_refused_connection_as_down(check: Check, closed_port: int) -> None:
    result = check("http", f"http://127.0.0.1:{closed_port}/")
    assert result.status == "down"
    assert result.error == f"cannot connect to 127.0.0.1:{closed_port}: connection refused"


def test_it_rejects_an_unreadable_status_expectation(check: Check, web_url: str) -> None:
    result = check("http", f"{web_url}/ok", expect={"status": "two hundred"})
    assert result.status == "down"
    assert "expect.status: cannot read 'two hundred'" in result.error


def test_it_checks_https_and_its_certificate(check: Check, web_urls: dict[str, str]) -> None:
    url = f"{web_urls['https']}/ok"
    assert check("https", url, options={"verify_tls": False}).status == "up"
    refused = check("https", url)
    assert refused.status == "down"
    assert "certificate verify failed: self-signed certificate" in refused.error
