"""GET /api/v1/projects/{slug}/tests and its service: durations, trend against the
previous period, sorting, branch filter, last failure, CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from junit_support import report
from sqlalchemy import text

from jadugar.errors import Invalid
from jadugar.services import test_ingest, test_insights
from jadugar.services.projects import create_project

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)


def _case(name, seconds, status=""):
    inner = {"failed": '<failure message="slow down">trace</failure>', "": ""}[status]
    return f'<testcase classname="s" name="{name}" time="{seconds}">{inner}</testcase>'


def _build(conn, days_ago, *cases, branch="main", sha=None):
    build_id = conn.execute(text("""insert into builds (project_id, kind, status, source,
        branch, commit_sha, created_at) select id, 'build', 'success', 'api', :b, :sha, :at
        from projects where slug = 'web' returning id"""),
        {"b": branch, "sha": sha, "at": NOW - timedelta(days=days_ago)}).scalar_one()
    xml = f'<testsuite name="s">{"".join(cases)}</testsuite>'.encode()
    test_ingest.ingest(conn, build_id, xml)
    return build_id


@pytest.fixture
def web(conn):
    create_project(conn, {"slug": "web", "name": "Web"})
    return conn


def _list(conn, sort="flaky", branch=None, days=30):
    flt = test_insights.make_filter(None, NOW, branch, sort, NOW)
    assert flt.since == NOW - timedelta(days=days)
    return test_insights.project_tests(conn, "web", flt, 100)["items"]


def test_it_gives_p50_p95_and_the_trend_against_the_previous_period(web):
    for day in (40, 38, 35):  # the previous 30 days: `slow` took 1 s
        _build(web, day, _case("slow", 1.0), _case("same", 2.0))
    for day in (10, 5, 1):  # this period: 2 s, then 3 s once
        _build(web, day, _case("slow", 3.0 if day == 1 else 2.0), _case("same", 2.0))
    tests = {t["name"]: t for t in _list(web, sort="slower")}
    slow = tests["slow"]
    assert (slow["runs"], slow["p50_s"], slow["previous_p50_s"]) == (3, 2.0, 1.0)
    assert slow["p95_s"] == pytest.approx(2.9)
    assert slow["trend"] == 1.0 and tests["same"]["trend"] == 0
    assert [t["name"] for t in _list(web, sort="slower")] == ["slow", "same"]


def test_it_sorts_by_slowest_and_by_most_failing(web):
    _build(web, 2, _case("quick", 0.1), _case("long", 9.0), _case("bad", 1.0, "failed"))
    _build(web, 1, _case("quick", 0.1), _case("long", 9.0), _case("bad", 1.0, "failed"))
    assert [t["name"] for t in _list(web, sort="slowest")] == ["long", "bad", "quick"]
    assert [t["name"] for t in _list(web, sort="failing")][0] == "bad"


def test_it_keeps_the_last_failure_message_and_its_build(web):
    _build(web, 3, _case("t", 1, "failed"))
    last = _build(web, 2, _case("t", 1, "failed"))
    _build(web, 1, _case("t", 1))
    [t] = _list(web)
    assert (t["last_failure_build"], t["last_failure_message"]) == (last, "slow down\ntrace")
    assert (t["runs"], t["failures"]) == (3, 2)


def test_it_filters_by_branch(web):
    _build(web, 2, _case("on-main", 1), branch="main")
    _build(web, 1, _case("on-feature", 1), branch="feature/x")
    assert [t["name"] for t in _list(web, branch="feature/x")] == ["on-feature"]


def test_it_leaves_out_tests_that_did_not_run_in_the_period(web):
    _build(web, 45, _case("old", 1))
    _build(web, 1, _case("new", 1))
    assert [t["name"] for t in _list(web)] == ["new"]


def test_it_refuses_an_unknown_sort():
    with pytest.raises(Invalid) as err:
        test_insights.make_filter(None, None, None, "fastest", NOW)
    assert err.value.field == "sort"


def test_it_answers_the_list_and_its_csv_through_the_api(ci):
    ci.post(ci.build(), report("a", "b:failed"))
    body = ci.api.get("/projects/web/tests?sort=failing").json
    assert body["total"] == 2 and body["items"][0]["name"] == "b"
    r = ci.api.get("/projects/web/tests?sort=failing&format=csv")
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(row["name"], row["failures"]) for row in rows] == [("b", "1"), ("a", "0")]
    assert ci.api.get("/projects/web/tests?sort=nope").status_code == 422
    assert ci.api.get("/projects/nope/tests").status_code == 404


def test_it_gives_one_tests_history_across_builds(ci):
    first, second = ci.build(sha="c1"), ci.build(sha="c2", branch="dev")
    ci.post(first, report("t:failed"))
    ci.post(second, report("t"))
    test_id = ci.api.get("/projects/web/tests").json["items"][0]["test_id"]
    body = ci.api.get(f"/tests/{test_id}/history").json
    assert (body["name"], body["project"]) == ("t", "web")
    assert [(i["build_id"], i["status"], i["branch"]) for i in body["items"]] == [
        (second, "passed", "dev"), (first, "failed", "main")]
    assert body["items"][1]["message"] == "boom\ntrace"
    assert ci.api.get("/tests/999999/history").status_code == 404
