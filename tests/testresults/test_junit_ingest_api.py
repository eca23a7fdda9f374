"""POST /api/v1/builds/{id}/tests: counts, reports adding up, the same report twice, and
GET of one build's results, failures first."""

import csv
import io

from junit_support import fixture, report
from sqlalchemy import text


def _rows(engine, table):
    with engine.connect() as c:
        return c.execute(text(f"select count(*) from {table}")).scalar_one()


def test_it_takes_a_pytest_report_and_answers_its_counts(ci):
    build = ci.build()
    r = ci.post(build, fixture("pytest.xml"))
    assert r.status_code == 201
    assert {k: r.json[k] for k in ("tests", "failed", "skipped", "errors")} == \
        {"tests": 8, "failed": 2, "skipped": 2, "errors": 1}
    assert r.json["duration_s"] >= 0
    assert r.json["build"]["reports"] == 1


def test_it_adds_up_several_reports_of_one_build(ci):
    build = ci.build()
    ci.post(build, fixture("pytest.xml"))
    r = ci.post(build, fixture("jest-junit.xml"))
    assert (r.json["tests"], r.json["build"]["tests"]) == (6, 14)
    assert (r.json["build"]["failed"], r.json["build"]["reports"]) == (4, 2)
    summary = ci.api.get(f"/builds/{build}/tests").json["summary"]
    assert (summary["tests"], summary["failed"], summary["errors"]) == (14, 4, 1)


def test_it_changes_nothing_when_the_same_report_comes_again(ci, engine):
    build = ci.build()
    first = ci.post(build, fixture("surefire.xml"))
    again = ci.post(build, fixture("surefire.xml"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert _rows(engine, "test_results") == 6 and _rows(engine, "test_reports") == 1


def test_it_takes_the_same_report_for_another_build(ci, engine):
    ci.post(ci.build(), fixture("gradle.xml"))
    ci.post(ci.build(), fixture("gradle.xml"))
    assert _rows(engine, "test_results") == 10
    assert _rows(engine, "tests") == 4  # the retried test is one test, run twice


def test_it_lists_a_builds_results_failures_first(ci):
    build = ci.build()
    ci.post(build, report("a", "b:failed", "c:skipped", "d:error"))
    items = ci.api.get(f"/builds/{build}/tests").json["items"]
    assert [(i["name"], i["status"]) for i in items] == [
        ("b", "failed"), ("d", "error"), ("c", "skipped"), ("a", "passed")]
    assert items[0]["message"] == "boom\ntrace"
    failed = ci.api.get(f"/builds/{build}/tests?status=failed").json["items"]
    assert [i["name"] for i in failed] == ["b"]


def test_it_pages_a_builds_results(ci):
    build = ci.build()
    ci.post(build, report(*[f"t{i:02}" for i in range(5)]))
    first = ci.api.get(f"/builds/{build}/tests?limit=3").json
    second = ci.api.get(f"/builds/{build}/tests?limit=3&cursor={first['next_cursor']}").json
    names = [i["name"] for i in first["items"] + second["items"]]
    assert names == [f"t{i:02}" for i in range(5)] and second["next_cursor"] is None


def test_it_gives_a_builds_results_as_csv(ci):
    build = ci.build()
    ci.post(build, report("a", "b:failed"))
    r = ci.api.get(f"/builds/{build}/tests", headers={"Accept": "text/csv"})
    assert r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(row["name"], row["status"], row["message"]) for row in rows] == [
        ("b", "failed", "boom\ntrace"), ("a", "passed", "")]


def test_it_answers_404_for_a_build_that_does_not_exist(ci):
    assert ci.post(999999, report("a")).status_code == 404
    assert ci.api.get("/builds/999999/tests").status_code == 404


def test_it_publishes_nothing_but_json_errors_for_a_wrong_content_type(ci):
    r = ci.post(ci.build(), report("a"), content_type="application/json")
    assert r.status_code == 415 and r.json["error"]["field"] == "Content-Type"
