"""The conditions language as a table of scenarios (after Gatus' own condition tests):
each row is a condition, what the probe reported, and whether it holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jadugar.checks.condition_eval import evaluate
from jadugar.checks.conditions import ConditionError, parse

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BODY = ('{"status": "UP", "data": {"items": [{"id": 4, "name": "john.doe"}, {"id": 1}],'
        ' "count": 2, "ratio": 0.5, "ok": true, "none": null, "empty": []},'
        ' "errors": []}')


def report(status=200, ms=120.0, **details):
    details.setdefault("body", BODY)
    details.setdefault("headers", {"Content-Type": "application/json", "X-Version": "42"})
    return status, ms, details


CASES = [
    # (name, condition, (status, response_ms, details), holds)
    ("status equals", "[STATUS] == 200", report(), True),
    ("status differs", "[STATUS] == 200", report(500), False),
    ("status not equal", "[STATUS] != 500", report(), True),
    ("status less than", "[STATUS] < 300", report(201), True),
    ("status less than fails", "[STATUS] < 300", report(302), False),
    ("status at most", "[STATUS] <= 299", report(299), True),
    ("status greater than", "[STATUS] > 399", report(404), True),
    ("status at least", "[STATUS] >= 500", report(404), False),
    ("no spaces", "[STATUS]==200", report(), True),
    ("status any of", "[STATUS] == any(200, 429)", report(429), True),
    ("status none of", "[STATUS] != any(500, 503)", report(200), True),
    ("status pattern", "[STATUS] == pat(2*)", report(204), True),
    ("status pattern fails", "[STATUS] == pat(2*)", report(404), False),
    ("status any with pattern", "[STATUS] == any(pat(2??), 301)", report(301), True),
    ("response time under", "[RESPONSE_TIME] < 300", report(ms=120), True),
    ("response time over", "[RESPONSE_TIME] < 300", report(ms=450), False),
    ("response time in seconds", "[RESPONSE_TIME] < 1s", report(ms=999), True),
    ("response time duration fails", "[RESPONSE_TIME] <= 500ms", report(ms=501), False),
    ("body text", '[BODY] == "ok"', report(body="ok"), True),
    ("body as a number", "[BODY] == 1", report(body="1"), True),
    ("body pattern", "[BODY] == pat(*UP*)", report(), True),
    ("body pattern with parenthesis", '[BODY] == pat("*(beta)*")', report(body="v1 (beta)"),
     True),
    ("body not pattern", "[BODY] != pat(*exception*)", report(), True),
    ("json text", "[BODY].status == UP", report(), True),
    ("json quoted text", '[BODY].status == "UP"', report(), True),
    ("json text differs", "[BODY].status == DOWN", report(), False),
    ("json index", "[BODY].data.items[0].id > 3", report(), True),
    ("json index fails", "[BODY].data.items[1].id > 3", report(), False),
    ("json negative index", "[BODY].data.items[-1].id == 1", report(), True),
    ("json dotted text", "[BODY].data.items[0].name == john.doe", report(), True),
    ("json any of text", "[BODY].data.items[0].name == any(john.doe, jane.doe)", report(),
     True),
    ("json float", "[BODY].data.ratio < 0.75", report(), True),
    ("json boolean", "[BODY].data.ok == true", report(), True),
    ("json boolean is not one", "[BODY].data.ok == 1", report(), False),
    ("json null", "[BODY].data.none == null", report(), True),
    ("json missing path", "[BODY].data.nothing == 1", report(), False),
    ("json index out of range", "[BODY].data.items[5].id == 1", report(), False),
    ("body not json", "[BODY].status == UP", report(body="<html>"), False),
    ("len of a list", "len([BODY].data.items) == 2", report(), True),
    ("len of an empty list", "len([BODY].errors) == 0", report(), True),
    ("len of the body", "len([BODY]) < 5", report(body="fine"), True),
    ("len of a number fails", "len([BODY].data.count) == 1", report(), False),
    ("has a key", "has([BODY].data.count) == true", report(), True),
    ("has not a key", "has([BODY].errors.first) == false", report(), True),
    ("header", "[HEADER].content-type == pat(application/json*)", report(), True),
    ("header as number", "[HEADER].X-Version >= 40", report(), True),
    ("missing header", "[HEADER].Server == nginx", report(), False),
    ("certificate far", "[CERTIFICATE_EXPIRATION] > 48h",
     report(certificate_expires_at=(NOW + timedelta(days=30)).isoformat()), True),
    ("certificate near", "[CERTIFICATE_EXPIRATION] > 48h",
     report(certificate_expires_at=NOW + timedelta(hours=20)), False),
    ("certificate days", "[CERTIFICATE_EXPIRATION] > 7d",
     report(certificate_expires_at="2026-12-20T00:00:00+00:00"), True),
    ("certificate combined duration", "[CERTIFICATE_EXPIRATION] > 1d12h",
     report(certificate_expires_at=NOW + timedelta(hours=37)), True),
    ("no certificate", "[CERTIFICATE_EXPIRATION] > 48h", report(), False),
    ("ip", "[IP] == 127.0.0.1", report(ip="127.0.0.1"), True),
    ("ip pattern", "[IP] == pat(10.*)", report(ip="127.0.0.1"), False),
    ("dns rcode", "[DNS_RCODE] == NOERROR", report(dns_rcode="NOERROR"), True),
    ("dns rcode differs", "[DNS_RCODE] == NOERROR", report(dns_rcode="NXDOMAIN"), False),
    ("connected", "[CONNECTED] == true", report(connected=True), True),
    ("not connected", "[CONNECTED] == false", report(connected=True), False),
    ("no status", "[STATUS] == 200", report(None), False),
    ("text cannot be ordered", "[BODY].status > 3", report(), False),
    ("degraded prefix holds", "degraded: [RESPONSE_TIME] < 300", report(ms=10), True),
    ("len on the right", "2 == len([BODY].data.items)", report(), True),
    ("placeholder on both sides", "[BODY].data.count == len([BODY].data.items)", report(),
     True),
    ("unreadable certificate expiry", "[CERTIFICATE_EXPIRATION] > 1d",
     report(certificate_expires_at="soon"), False),
]


@pytest.mark.parametrize(("condition", "reported", "holds"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_it_judges_each_condition(condition, reported, holds):
    status, ms, details = reported
    [outcome] = evaluate([parse(condition)], status, ms, details, NOW)
    assert outcome.ok is holds, outcome.reason
    assert (outcome.reason is None) is holds


PARSE_ERRORS = [
    # (condition, column, words in the reason)
    ("[STATUS] = 200", 10, "expected an operator"),
    ("[STATUS]", 9, "expected an operator"),
    ("[STATUS] ==", 12, "expected a value after =="),
    ("[STATU] == 200", 1, "unknown placeholder [STATU]"),
    ("[status] == 200", 1, "unknown placeholder"),
    ("", 1, "empty"),
    ("degraded:", 10, "empty"),
    ("[STATUS] == 200 200", 17, "unexpected '2'"),
    ("[BODY].data[x] == 1", 12, "list index"),
    ("[BODY]. == 1", 8, "expected a name after '.'"),
    ("[HEADER] == x", 9, "[HEADER] needs one header name"),
    ("len(200) == 1", 5, "takes a placeholder"),
    ("len([BODY] == 1", 12, "expected ')' to close len( opened at column 1"),
    ("any(1, 2) == [STATUS]", 1, "belongs on the right"),
    ("[STATUS] < any(1, 2)", 12, "any() works with == and != only"),
    ('[BODY] == "open', 11, "is not closed"),
    ("[STATUS] == ,", 13, "expected a value, found ','"),
    ("[BODY].x" + ".y" * 40 + " == 1", 71, "at most 32 parts"),
    ("[STATUS] == " + "9" * 600, 501, "at most 500 characters"),
]


@pytest.mark.parametrize(("condition", "column", "words"), PARSE_ERRORS)
def test_it_names_the_condition_and_column_of_a_parse_error(condition, column, words):
    with pytest.raises(ConditionError) as caught:
        parse(condition, 3)
    assert caught.value.column == column, str(caught.value)
    assert words in caught.value.reason
    assert str(caught.value).startswith("condition 3 (")


def test_it_has_a_table_of_at_least_forty_scenarios():
    assert len(CASES) + len(PARSE_ERRORS) >= 40 and len(CASES) >= 40


def test_it_refuses_more_than_fifty_conditions_naming_the_first_too_many():
    from jadugar.checks.conditions import parse_all

    with pytest.raises(ConditionError) as caught:
        parse_all(["[STATUS] == 200"] * 51)
    assert caught.value.number == 51 and "at most 50 conditions" in caught.value.reason


def test_a_failed_duration_reads_in_hours_or_days():
    [near, far] = evaluate([parse("[CERTIFICATE_EXPIRATION] > 48h"),
                            parse("[CERTIFICATE_EXPIRATION] > 30d")], 200, 1.0,
                           {"certificate_expires_at": NOW + timedelta(days=10)}, NOW)
    assert near.ok and far.reason == "[CERTIFICATE_EXPIRATION] is 10.0d"
