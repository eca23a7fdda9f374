"""The Tests card of the project page and the test summary of the build page, drawn from
reports posted through the API."""

import importlib

from junit_support import fixture, report

from jadugar.ui import test_panels


def test_it_lists_flaky_tests_first_with_their_evidence_builds(ci, dash_app):
    a, b = ci.build(sha="c1"), ci.build(sha="c1")
    ci.post(a, report("steady", "wobbly:failed"))
    ci.post(b, report("steady", "wobbly"))
    drawn = str(test_panels.draw_tests("flaky", "30d", None, None, "web"))
    assert drawn.index("wobbly") < drawn.index("steady")
    assert f"/builds/web/{a}" in drawn and f"/builds/web/{b}" in drawn
    assert "2 of 2 tests" in drawn


def test_it_downloads_the_tests_as_csv(ci, dash_app):
    ci.post(ci.build(), report("a", "b:failed"))
    out = test_panels.download_tests(1, "failing", "30d", None, "web")
    lines = out["content"].splitlines()
    assert out["filename"] == "web-tests.csv"
    assert lines[0].startswith("test_id,suite,name,runs,failures")
    assert ",b,1,1," in lines[1]


def test_it_says_when_a_project_has_no_test_results(ci, dash_app):
    assert "No test results" in str(test_panels.draw_tests("flaky", "30d", None, None, "web"))


def test_the_build_page_shows_the_summary_and_the_failures_expanded(ci, dash_app):
    build = ci.build()
    ci.post(build, fixture("pytest.xml"))
    drawn = str(test_panels.build_tests(build))
    assert "Tests · 8 in 1 report(s)" in drawn
    assert "3 passed" in drawn and "2 failed" in drawn and "1 errors" in drawn
    assert "test_sample › test_fails" in drawn and "AssertionError: currency" in drawn
    assert test_panels.build_tests(ci.build()) is None  # no report: no card


def test_the_build_page_layout_carries_the_test_summary(ci, dash_app):
    build = ci.build()
    ci.post(build, report("x:failed"))
    page = importlib.import_module("pages.build_detail")
    with dash_app.server.test_request_context("/"):
        assert "builds-detail-tests" in str(page.layout(slug="web", build_id=str(build)))


def test_the_tests_card_reads_at_most_90_days_and_says_so(ci, dash_app):
    ci.post(ci.build(), report("a"))
    drawn = str(test_panels.draw_tests("flaky", "365d", None, None, "web"))
    assert "the last 90 days" in drawn
    assert "this range" in str(test_panels.draw_tests("flaky", "90d", None, None, "web"))


def test_it_draws_one_tests_history_across_builds(ci, dash_app):
    first, second = ci.build(sha="c1"), ci.build(sha="c2")
    ci.post(first, report("t:failed"))
    ci.post(second, report("t"))
    drawn = str(test_panels.draw_tests("flaky", "30d", None, None, "web"))
    assert "builds-project-tests-pick" in drawn
    test_id = ci.api.get("/projects/web/tests").json["items"][0]["test_id"]
    history = test_panels.history_figure(ci_history(ci, test_id))
    assert {trace.name for trace in history.data} == {"passed", "failed"}
    assert history.layout.title.text == "suite › t"


def ci_history(ci, test_id):
    return ci.api.get(f"/tests/{test_id}/history").json


def test_the_build_page_redraws_its_test_card_when_a_report_arrives(ci, dash_app):
    build = ci.build()
    page = importlib.import_module("pages.build_detail")
    with dash_app.server.test_request_context("/"):
        drawn = str(page.layout(slug="web", build_id=str(build)))
    assert "builds-detail-tests-box" in drawn and "Tests ·" not in drawn
    ci.post(build, report("a", "b:failed"))
    assert "Tests · 2 in 1 report(s)" in str(test_panels.redraw_build_tests(1, build))
