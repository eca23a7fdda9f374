"""/api/v1/projects/{slug}/builds, /api/v1/builds/{id}, CSV export and delivery metrics."""

from flask import jsonify, request

from jadugar import db
from jadugar.api import api
from jadugar.api.csv_lists import wants_csv
from jadugar.api.helpers import cursor_arg, json_body, limit_arg, page, time_args
from jadugar.api.openapi import PAGING, TIME_RANGE, op, path_param, query_param
from jadugar.errors import JadugarError
from jadugar.policy import current_actor
from jadugar.services import build_reads, delivery
from jadugar.services import builds as svc
from jadugar.services.csv_export import stream_query
from jadugar.services.projects import get_project


def _filter() -> build_reads.BuildFilter:
    since, until = time_args()
    return build_reads.BuildFilter(status=request.args.get("status") or None,
                                   branch=request.args.get("branch") or None,
                                   kind=request.args.get("kind") or None,
                                   since=since, until=until)


def _csv(slug: str):
    flt = _filter()
    with db.transaction() as conn:
        project = get_project(conn, slug)
    query, params = build_reads.csv_query(flt, project.id)
    return stream_query(db.read_connection, query, params, f"{slug}-builds.csv")


@api.post("/projects/<slug>/builds")
def post_build(slug: str):
    body = json_body()
    with db.transaction() as conn:
        row, is_new = svc.submit(conn, slug, body, source="api", author=current_actor())
        out = build_reads.get_build(conn, row.id)
    return jsonify(out), 201 if is_new else 200


@api.get("/projects/<slug>/builds")
def list_builds(slug: str):
    if wants_csv():
        return _csv(slug)
    flt, limit, cursor = _filter(), limit_arg(), cursor_arg()
    with db.transaction() as conn:
        rows = build_reads.list_builds(conn, slug, flt, limit, cursor)
    return jsonify(page([build_reads.to_dict(r) for r in rows], rows, limit,
                        lambda r: [r.created_at, r.id]))


@api.get("/projects/<slug>/builds.csv")
def builds_csv(slug: str):
    return _csv(slug)


@api.get("/builds/<int:build_id>")
def get_build(build_id: int):
    with db.transaction() as conn:
        return jsonify(build_reads.get_build(conn, build_id))


@api.patch("/builds/<int:build_id>")
def patch_build(build_id: int):
    body = json_body()
    with db.transaction() as conn:
        svc.patch(conn, build_id, body, source="api", author=current_actor())
        return jsonify(build_reads.get_build(conn, build_id))


@api.get("/projects/<slug>/delivery")
def get_delivery(slug: str):
    since, until = time_args()
    with db.transaction() as conn:
        return jsonify(delivery.for_project(conn, slug, since, until, _environments()))


def _environments() -> list[str] | None:
    """?environment=staging or a comma-separated list; absent: the production names."""
    raw = request.args.get("environment") or ""
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if len(names) > 20 or any(len(name) > 255 for name in names):
        raise JadugarError("environment takes at most 20 names of 255 characters",
                           field="environment")
    return names or None


_NUMBER_OR_NULL = {"type": "number", "nullable": True}
# One range of DORA keys on production deploys (jadugar/services/delivery.py defines them).
_DELIVERY_PERIOD = {
    "since": {"type": "string"}, "until": {"type": "string"},
    "deploys": {"type": "integer", "description": "successful production deploys"},
    "deploys_per_day": {"type": "number"},
    "failed_deploys": {"type": "integer"}, "rollbacks": {"type": "integer"},
    "lead_time_s": _NUMBER_OR_NULL,
    "lead_time_deploys": {"type": "integer", "description": "deploys with a commit time"},
    "change_failure_rate": _NUMBER_OR_NULL,
    "failures": {"type": "integer", "description": "deploys that failed"},
    "rolled_back": {"type": "integer"}, "with_incident": {"type": "integer"},
    "time_to_restore_s": _NUMBER_OR_NULL,
    "open_failures": {"type": "integer", "description": "failures not yet over"},
}
SLUG, ID = [path_param("slug")], [path_param("build_id", "integer")]
FILTERS = [query_param("status", description="queued|running|success|failed|cancelled|skipped"),
           query_param("branch"), query_param("kind", description="build|deploy"),
           *TIME_RANGE]
STATUS = {"type": "string", "enum": list(svc.STATUSES)}
TIME = {"type": "string", "description": "ISO 8601 or Unix seconds"}
# Every column but id, project, kind, status and source may be null (not sent yet).
_TEXT = {"type": "string", "nullable": True}
_BUILD_PROPS = {
    "id": {"type": "integer"}, "project": {"type": "string"}, "external_id": _TEXT,
    "number": {"type": "integer", "nullable": True}, "branch": _TEXT,
    "commit_sha": _TEXT, "commit_at": {"type": "string", "format": "date-time",
                                       "nullable": True},
    "pipeline": _TEXT, "trigger": _TEXT, "kind": {"type": "string", "enum": list(svc.KINDS)},
    "environment": _TEXT, "status": STATUS,
    "progress": {"type": "integer", "minimum": 0, "maximum": 100, "nullable": True},
    "source": {"type": "string"}, "url": _TEXT, "message": _TEXT,
    "created_at": {"type": "string", "format": "date-time"},
    "started_at": {"type": "string", "format": "date-time", "nullable": True},
    "finished_at": {"type": "string", "format": "date-time", "nullable": True},
    "duration_s": {"type": "number", "nullable": True},
    "duration_anomaly": {
        "type": "object", "nullable": True,
        "description": "the finished build against recent successful builds of its branch "
                       "and pipeline (median + k × MAD); null without 10 such builds",
        "properties": {"anomalous": {"type": "boolean"}, "baseline_s": {"type": "number"},
                       "threshold_s": {"type": "number"}, "samples": {"type": "integer"}}},
    "deploy_impact": {
        "type": "object", "nullable": True,
        "description": "production deploys of a project linked to applications: their "
                       "checks' error rate and p95 the hour after vs the hour before",
        "properties": {
            "verdict": {"type": "string", "enum": ["worse", "better", "unchanged",
                                                   "insufficient_data", "pending"]},
            "applications": {"type": "array", "items": {"type": "string"}},
            "window_s": {"type": "number"},
            "changes": {"type": "array", "items": {"type": "string"}},
            "before": {"$ref": "#/components/schemas/DeployImpactSide"},
            "after": {"$ref": "#/components/schemas/DeployImpactSide"}}},
}
OPENAPI = {
    "paths": {
        "/projects/{slug}/builds": {
            "post": op("Create a build (201), or update the one with the same external_id "
                       "(200, same id)", "ingest", body="BuildCreate", response="Build",
                       status=201, also=(200,), params=SLUG),
            "get": op("List builds, newest first (Accept: text/csv streams every match)",
                      "read", response="Build", listing=True, params=SLUG + FILTERS + PAGING)},
        "/projects/{slug}/builds.csv": {
            "get": op("Every matching build as a streamed, formula-safe CSV", "read",
                      response={"type": "string", "format": "text/csv"},
                      params=SLUG + FILTERS)},
        "/builds/{build_id}": {
            "get": op("One build with its stages and status updates", "read",
                      response="Build", params=ID),
            "patch": op("Change status or progress; a finished build never moves back",
                        "ingest", body="BuildPatch", response="Build", params=ID)},
        "/projects/{slug}/delivery": {
            "get": op("Delivery metrics (deploy frequency, lead time, change failure rate, "
                      "time to restore) for a range, with the previous range to compare",
                      "read", response="Delivery", params=SLUG + TIME_RANGE + [query_param(
                          "environment", description="comma-separated deploy environments; "
                          "default JADUGAR_PRODUCTION_ENVIRONMENTS")])},
    },
    "schemas": {
        "DeployImpactSide": {"type": "object", "nullable": True, "properties": {
            "results": {"type": "integer"}, "errors": {"type": "integer"},
            "error_rate": {"type": "number", "nullable": True},
            "p95_ms": {"type": "number", "nullable": True}}},
        "Build": {"type": "object", "properties": {
            **_BUILD_PROPS,
            "stages": {"type": "array", "items": {
                "type": "object", "description": "each stage carries duration_anomaly, "
                "judged like the build's against the same-named stage"}},
            "status_updates": {"type": "array", "items": {"$ref":
                                                          "#/components/schemas/StatusUpdate"}}}},
        "BuildCreate": {"type": "object", "required": ["status"], "properties": {
            "external_id": {"type": "string"}, "number": {"type": "integer", "minimum": 0},
            "branch": {"type": "string"}, "commit_sha": {"type": "string"},
            "commit_at": TIME, "pipeline": {"type": "string"}, "trigger": {"type": "string"},
            "kind": {"type": "string", "enum": list(svc.KINDS)},
            "environment": {"type": "string"}, "status": STATUS,
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "started_at": TIME, "finished_at": TIME, "url": {"type": "string"},
            "message": {"type": "string"}}},
        "BuildPatch": {"type": "object", "properties": {
            "status": STATUS, "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "started_at": TIME, "finished_at": TIME,
            "message": {"type": "string", "description": "kept in the status update"}}},
        "Delivery": {"type": "object", "properties": {
            **_DELIVERY_PERIOD,
            "environments": {"type": "array", "items": {"type": "string"}},
            "window_h": {"type": "number", "description": "change failure window"},
            "previous": {"type": "object", "properties": _DELIVERY_PERIOD}}},
    },
}
