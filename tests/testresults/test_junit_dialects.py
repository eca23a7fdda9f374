"""Reports written by real tools are counted exactly; each fixture's origin is in
tests/fixtures/junit/README.md."""

import pytest
from junit_support import fixture

from jadugar.services import junit

# (file, tests, failed, errors, skipped, flaky)
DIALECTS = [
    ("pytest.xml", 8, 2, 1, 2, 0),
    ("surefire.xml", 6, 1, 1, 1, 1),
    ("jest-junit.xml", 6, 2, 0, 1, 0),
    ("junit5-console.xml", 6, 2, 1, 1, 0),
    ("gradle.xml", 5, 2, 0, 1, 0),
    ("go-junit-report.xml", 5, 1, 0, 1, 0),
    ("nested.xml", 4, 0, 1, 1, 0),
]


@pytest.mark.parametrize("name,tests,failed,errors,skipped,flaky", DIALECTS)
def test_it_counts_each_dialect_exactly(name, tests, failed, errors, skipped, flaky):
    counts = junit.parse(fixture(name)).counts()
    assert (counts["tests"], counts["failed"], counts["errors"], counts["skipped"],
            counts["flaky"]) == (tests, failed, errors, skipped, flaky)


def test_it_reads_surefire_re_runs():
    cases = {c.name: c for c in junit.parse(fixture("surefire.xml")).cases}
    assert cases["flakyOnFirstRun"].status == "flaky"
    assert cases["flakyOnFirstRun"].message.startswith("first run fails")
    assert cases["alwaysBroken"].status == "failed"  # every re-run failed too
    assert cases["crashes"].status == "error"
    assert cases["discounted"].status == "skipped"


def test_it_names_suites_from_classname_or_the_enclosing_suite():
    cases = junit.parse(fixture("nested.xml")).cases
    assert [(c.suite, c.name) for c in cases] == [
        ("Shop.CartTest", "testAdds"), ("Shop.CartTest", "testDiscount"),
        ("Shop\\PriceTest::testRounds", "testRounds with data set #0"),
        ("Shop.PriceTest", "testFetch")]


def test_it_keeps_durations_and_failure_messages():
    cases = {c.name: c for c in junit.parse(fixture("pytest.xml")).cases}
    assert cases["test_fails"].message.startswith("AssertionError: currency")
    assert "test_sample.py:9: AssertionError" in cases["test_fails"].message
    assert cases["test_skipped"].message == "not ready"
    go = {c.name: c for c in junit.parse(fixture("go-junit-report.xml")).cases}
    assert go["TestRound"].duration_s == pytest.approx(0.010)


def test_it_caps_a_failure_message_at_4_kb():
    xml = ('<testsuite name="s"><testcase name="t"><failure message="x">'
           + "é" * 5000 + "</failure></testcase></testsuite>").encode()
    [case] = junit.parse(xml).cases
    assert len(case.message.encode()) <= 4096 and case.message.endswith("...")


def test_it_reads_a_single_testsuite_root_and_an_empty_report():
    assert junit.parse(b'<testsuite name="s"/>').cases == []
    assert junit.parse(b"<testsuites/>").cases == []
