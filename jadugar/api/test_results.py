"""/api/v1/builds/{id}/tests (JUnit XML in, one build's results out) and
/api/v1/projects/{slug}/tests (flaky, slowest, failing, newly slower), and
/api/v1/tests/{id}/history (one test across builds)."""

from flask import jsonify, request

from jadugar import db, limits
from jadugar.api import api
from jadugar.api.helpers import cursor_arg, encode_cursor, limit_arg, time_args
from jadugar.api.openapi import TIME_RANGE, op, path_param, query_param
from jadugar.errors import JadugarError
from jadugar.services import test_ingest, test_insights, test_reads
from jadugar.timeutil import utcnow

XML_TYPES = ("application/xml", "text/xml", "application/junit+xml")


@api.post("/builds/<int:build_id>/tests")
def post_test_report(build_id: int):
    if request.mimetype not in XML_TYPES:
        raise JadugarError("a test report is JUnit XML: send it with Content-Type "
                           "application/xml", code="unsupported_media_type", status=415,
                           field="Content-Type")
    raw = _report_body()
    with db.transaction() as conn:
        out, new = test_ingest.ingest(conn, build_id, raw)
    return jsonify(out), 201 if new else 200


def _report_body() -> bytes:
    """The body, up to limits.JUNIT_BYTES (more than the API's general body limit: a big
    suite's report is large, and it is parsed without building it twice)."""
    too_big = JadugarError(f"the report is larger than {limits.JUNIT_BYTES} bytes; send it "
                           "in several reports (they add up)", code="report_too_large",
                           status=413, field="body")
    if (request.content_length or 0) > limits.JUNIT_BYTES:
        raise too_big
    request.max_content_length = limits.JUNIT_BYTES
    raw = request.get_data(cache=False)
    if len(raw) > limits.JUNIT_BYTES:
        raise too_big
    if not raw.strip():
        raise JadugarError("the report is empty", field="body", status=422, code="invalid")
    return raw


@api.get("/builds/<int:build_id>/tests")
def build_tests(build_id: int):
    status = request.args.get("status") or None
    if status is not None and status not in test_reads.STATUSES:
        raise JadugarError(f"status must be one of {', '.join(test_reads.STATUSES)}",
                           field="status", status=422, code="invalid")
    limit, offset = limit_arg(1000), _offset()
    with db.transaction() as conn:
        out = test_reads.build_tests(conn, build_id, status, limit, offset)
    return jsonify(_paged(out, limit, offset))


@api.get("/projects/<slug>/tests")
def project_tests(slug: str):
    since, until = time_args()
    flt = test_insights.make_filter(since, until, request.args.get("branch"),
                                    request.args.get("sort"), utcnow())
    limit, offset = limit_arg(100), _offset()
    with db.read_connection() as conn:
        out = test_insights.project_tests(conn, slug, flt, limit, offset)
    return jsonify(_paged(out, limit, offset))


@api.get("/tests/<int:test_id>/history")
def test_history(test_id: int):
    since, until = time_args()
    with db.transaction() as conn:
        return jsonify(test_reads.test_history(conn, test_id, since, until, limit_arg(100)))


def _offset() -> int:
    """These lists are ranked by aggregates, so the cursor is a position in the ranking."""
    values = cursor_arg()
    if values is None:
        return 0
    if len(values) != 1 or not isinstance(values[0], int) or values[0] < 0:
        raise JadugarError("cursor is not one this API handed out", field="cursor")
    return values[0]


def _paged(out: dict, limit: int, offset: int) -> dict:
    more = len(out["items"]) > limit
    out["items"] = out["items"][:limit]
    out["next_cursor"] = encode_cursor([offset + limit]) if more else None
    return out


_NUM = {"type": "number", "nullable": True}
_SUMMARY = {"type": "object", "properties": {
    "tests": {"type": "integer"}, "failed": {"type": "integer"},
    "skipped": {"type": "integer"}, "errors": {"type": "integer"},
    "duration_s": {"type": "number"}}}
_BUILD_SUMMARY = {"type": "object", "properties": {
    **_SUMMARY["properties"], "reports": {"type": "integer"}}}
STATUS = {"type": "string", "enum": list(test_reads.STATUSES)}
ID = [path_param("build_id", "integer")]
PAGE = [query_param("limit", "integer", "1-1000 (CSV: up to 50,000)"), query_param("cursor")]
OPENAPI = {
    "paths": {
        "/builds/{build_id}/tests": {
            "post": {**op("Add a JUnit XML report (Content-Type application/xml) to the build: "
                          "201 with its counts and the build's totals; the same report again "
                          "is 200 and changes nothing. 413 over 32 MB or 100,000 test cases; "
                          "422 names the line of malformed XML", "ingest",
                          response="TestReportAnswer", status=201, also=(200,), params=ID),
                     "requestBody": {"required": True, "content": {
                         "application/xml": {"schema": {"type": "string"}}}}},
            "get": op("The build's test results, failures first, with its summary "
                      "(Accept: text/csv for CSV)", "read", response="BuildTests",
                      params=ID + [query_param("status", description="|".join(
                          test_reads.STATUSES))] + PAGE)},
        "/projects/{slug}/tests": {
            "get": op("The project's tests over a period (default the last 30 days) with runs, "
                      "failures, flaky score and evidence, p50/p95 duration and the trend "
                      "against the previous period of the same length (Accept: text/csv)",
                      "read", response="ProjectTests",
                      params=[path_param("slug"), *TIME_RANGE, query_param("branch"),
                              query_param("sort", description="|".join(test_insights.SORTS)),
                              *PAGE])},
        "/tests/{test_id}/history": {
            "get": op("One test's runs across builds, newest first: outcome, duration, the "
                      "build's branch and commit (Accept: text/csv)", "read",
                      response="TestHistory",
                      params=[path_param("test_id", "integer"), *TIME_RANGE,
                              query_param("limit", "integer", "1-1000 (CSV: up to 50,000)")])},
    },
    "schemas": {
        "TestHistory": {"type": "object", "properties": {
            "id": {"type": "integer"}, "suite": {"type": "string"}, "name": {"type": "string"},
            "project": {"type": "string"},
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "build_id": {"type": "integer"},
                "number": {"type": "integer", "nullable": True},
                "ts": {"type": "string"}, "status": STATUS, "duration_s": _NUM,
                "message": {"type": "string", "nullable": True},
                "branch": {"type": "string", "nullable": True},
                "commit_sha": {"type": "string", "nullable": True}}}}}},
        "TestReportAnswer": {"type": "object", "properties": {
            **_SUMMARY["properties"], "build": _BUILD_SUMMARY}},
        "BuildTests": {"type": "object", "properties": {
            "build": {"type": "integer"}, "summary": _BUILD_SUMMARY,
            "next_cursor": {"type": "string", "nullable": True},
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "test_id": {"type": "integer"}, "suite": {"type": "string"},
                "name": {"type": "string"}, "status": STATUS, "duration_s": _NUM,
                "message": {"type": "string", "nullable": True}}}}}},
        "ProjectTests": {"type": "object", "properties": {
            "project": {"type": "string"}, "since": {"type": "string"},
            "until": {"type": "string"}, "previous_since": {"type": "string"},
            "branch": {"type": "string", "nullable": True},
            "sort": {"type": "string", "enum": list(test_insights.SORTS)},
            "total": {"type": "integer", "description": "tests that ran in the period"},
            "next_cursor": {"type": "string", "nullable": True},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/TestStats"}}}},
        "TestStats": {"type": "object", "properties": {
            "test_id": {"type": "integer"}, "suite": {"type": "string"},
            "name": {"type": "string"}, "runs": {"type": "integer"},
            "failures": {"type": "integer"}, "skipped": {"type": "integer"},
            "flaky": {"type": "boolean", "description": "passed and failed on one commit"},
            "flaky_score": {"type": "number", "minimum": 0, "maximum": 1},
            "flaky_commits": {"type": "integer"}, "flaky_flips": {"type": "integer"},
            "flaky_builds": {"type": "array", "items": {"type": "integer"},
                             "description": "builds of the flaky commits (evidence)"},
            "p50_s": _NUM, "p95_s": _NUM, "previous_p50_s": _NUM,
            "trend": {"type": "number", "nullable": True,
                      "description": "p50 against the previous period: 0.5 is 50% slower"},
            "last_run_at": {"type": "string", "nullable": True},
            "last_failure_message": {"type": "string", "nullable": True},
            "last_failure_build": {"type": "integer", "nullable": True}}},
    },
}
