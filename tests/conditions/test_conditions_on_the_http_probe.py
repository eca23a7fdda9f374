"""Conditions judge what the real HTTP probe saw, as the collector runs it (run_probe)."""

from __future__ import annotations

import asyncio

from collectors.probes import CheckSpec, Result, make_context, run_probe
from jadugar.checks.condition_legacy import translate


def probe(url: str, options: dict | None = None, **expect) -> Result:
    async def main() -> Result:
        async with await make_context() as ctx:
            spec = CheckSpec(1, url.split(":")[0], url, expect=expect, options=options or {})
            return await run_probe(spec, ctx)

    return asyncio.run(main())


def test_it_is_up_when_every_condition_holds(web_url):
    result = probe(f"{web_url}/json", conditions=[
        "[STATUS] == 200", "[BODY].data.items[0].id > 3", "len([BODY].errors) == 0",
        "[HEADER].X-Version == 42", "[RESPONSE_TIME] < 5s"])
    assert (result.status, result.error) == ("up", None)
    assert [c["ok"] for c in result.details["conditions"]] == [True] * 5


def test_it_lists_which_conditions_passed_and_which_failed(web_url):
    result = probe(f"{web_url}/json", conditions=["[STATUS] == 200",
                                                  "[BODY].data.items[1].id > 3"])
    assert result.status == "down"
    assert result.details["conditions"] == [
        {"condition": "[STATUS] == 200", "ok": True},
        {"condition": "[BODY].data.items[1].id > 3", "ok": False,
         "reason": "[BODY].data.items[1].id is 1"}]
    assert result.error == "[BODY].data.items[1].id > 3: [BODY].data.items[1].id is 1"


def test_it_keeps_neither_body_nor_headers_with_the_result(web_url):
    result = probe(f"{web_url}/json", conditions=["[STATUS] == 200"])
    assert "body" not in result.details and "headers" not in result.details


def test_a_failed_degraded_condition_degrades_instead_of_downing(web_url):
    result = probe(f"{web_url}/json", conditions=["[STATUS] == 200",
                                                  "degraded: [RESPONSE_TIME] < 0"])
    assert result.status == "degraded"


def test_conditions_replace_the_default_status_range(web_url):
    assert probe(f"{web_url}/missing", conditions=["[STATUS] == 404"]).status == "up"
    assert probe(f"{web_url}/missing").status == "down"


def test_an_explicit_status_still_applies_beside_conditions(web_url):
    result = probe(f"{web_url}/missing", status="2xx", conditions=["[STATUS] == 404"])
    assert (result.status, result.error) == ("down", "expected status 200-299, got 404")


def test_a_placeholder_the_probe_does_not_report_fails_its_condition(web_url):
    result = probe(f"{web_url}/json", conditions=["[DNS_RCODE] == NOERROR"])
    assert result.status == "down"
    assert result.error == "[DNS_RCODE] == NOERROR: no [DNS_RCODE] for this check"


LEGACY = [
    {"status": 200},
    {"status": "4xx"},
    {"status": [200, "4xx"]},
    {"status": "200-204", "body_contains": "items"},
    {"body_contains": "*nothing*"},
    {"json_path": "data.items.0.id", "json_value": 4},
    {"json_path": "data.items.1.id", "json_value": 4},
    {"max_response_ms": 0},
]


def test_old_expect_keys_translate_to_conditions_with_the_same_verdict(web_url):
    for expect in LEGACY:
        for page in ("/json", "/missing"):
            conditions, left = translate({"status": "200-399", **expect})
            assert left == []
            old = probe(web_url + page, **expect)
            new = probe(web_url + page, conditions=conditions)
            assert old.status == new.status, (expect, page, conditions, new.error)


def test_it_reads_the_certificate_expiry_and_address_of_an_https_target(web_urls):
    result = probe(f"{web_urls['https']}/json", {"verify_tls": False}, conditions=[
        "[CERTIFICATE_EXPIRATION] > 48h", "[IP] == 127.0.0.1", "[CONNECTED] == true",
        "[CERTIFICATE_EXPIRATION] > 7d"])
    assert [c["ok"] for c in result.details["conditions"]] == [True, True, True, False]
    assert result.status == "down" and result.error.endswith("[CERTIFICATE_EXPIRATION] is 5.0d")


def test_plain_http_has_no_certificate(web_url):
    result = probe(f"{web_url}/json", conditions=["[CERTIFICATE_EXPIRATION] > 48h"])
    assert result.error.endswith("no [CERTIFICATE_EXPIRATION] for this check")


def test_a_tcp_check_reports_connected_and_the_address(web_url):
    async def main() -> Result:
        async with await make_context() as ctx:
            return await run_probe(CheckSpec(1, "tcp", web_url.split("//")[1], expect={
                "conditions": ["[CONNECTED] == true", "[IP] == 127.0.0.1", "[STATUS] == 200"]}),
                ctx)

    result = asyncio.run(main())
    assert [c["ok"] for c in result.details["conditions"]] == [True, True, False]
    assert result.error == "[STATUS] == 200: no [STATUS] for this check"
