"""/api/v1/metrics (ingest) and /api/v1/applications/{slug}/metrics (read)"""

import re
from typing import Any

import orjson
from flask import jsonify, request

from jadugar import db, limits
from jadugar.api import api
from jadugar.api.helpers import int_arg, json_body, time_args
from jadugar.api.openapi import TIME_RANGE, op, path_param, query_param
from jadugar.services import metrics as svc
from jadugar.timeutil import utcnow

# Escapes PostgreSQL cannot store (NUL, UTF-16 surrogates): parse_json names them.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


@api.post("/metrics")
def ingest_metrics():
    """JSON list, or Prometheus text (Content-Type text/plain, ?application=slug)."""
    if request.mimetype == "text/plain":
        body = request.get_data(as_text=True)
        points = svc.parse_prometheus(body, request.args.get("application"))
    else:
        points = _json_batch()
    with db.transaction() as conn:
        return jsonify(svc.ingest(conn, points, limits.NEW_SERIES_PER_CALL)), 201


def _json_batch() -> svc.Batch:
    """A well-formed batch is read by orjson and keyed in one pass. Anything else (a bad
    point, an odd field, a body over a JSON limit) takes the general path: the one JSON
    parser (helpers.parse_json) and item-by-item checks, whose error names the limit or
    the first bad item."""
    items = _quick_json(request.get_data(cache=True))
    if isinstance(items, list) and 0 < len(items) <= svc.MAX_BATCH:
        batch = svc.key_points(items, utcnow())
        if batch is not None:
            return batch
    return svc.parse_json_batch(json_body(list))


def _quick_json(raw: bytes) -> Any:
    """The body by orjson, or None where parse_json should speak instead. Counting
    brackets and commas with strings included overcounts, so a body under the item limit
    here is under it there. Depth needs no count: key_points takes only flat points."""
    items = raw.count(b",") + raw.count(b"[") + raw.count(b"{")
    if items > limits.JSON_ITEMS or _SUSPECT_ESCAPE.search(raw):
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


@api.get("/applications/<slug>/metrics")
def metric_names(slug: str):
    with db.transaction() as conn:
        return jsonify({"items": svc.metric_names(conn, slug)})


@api.get("/applications/<slug>/metrics/<path:name>")
def metric_points(slug: str, name: str):
    since, until = time_args()
    max_points = int_arg("max_points", svc.DEFAULT_MAX_POINTS, 1, svc.MAX_MAX_POINTS)
    labels = {k[6:]: v for k, v in request.args.items() if k.startswith("label.")}
    with db.transaction() as conn:
        return jsonify(svc.metric_series(conn, slug, name, since, until, max_points, labels,
                                         request.args.get("agg", "avg")))


OPENAPI = {
    "paths": {
        "/metrics": {"post": op(
            "Ingest a batch of points (all or nothing): JSON [{application, name, value, ts?, "
            "labels?}] or Prometheus text with ?application=slug", "ingest",
            body="MetricBatch", status=201,
            params=[query_param("application", description="for Prometheus text")],
            response={"type": "object", "properties": {
                "accepted": {"type": "integer"}, "written": {"type": "integer"},
                "series": {"type": "integer"}}})},
        "/applications/{slug}/metrics": {"get": op(
            "Metric names of an application", "read", params=[path_param("slug")],
            response={"type": "object", "properties": {"items": {
                "type": "array", "items": {"$ref": "#/components/schemas/MetricName"}}}})},
        "/applications/{slug}/metrics/{name}": {"get": op(
            "Points of one metric: raw while they fit max_points, else buckets "
            "{t, min, max, avg, count}", "read",
            params=[path_param("slug"), path_param("name"), *TIME_RANGE,
                    query_param("max_points", "integer", "1-10000, default 1000"),
                    query_param("agg", description="avg (default), min, max, p95, sum, rate"),
                    query_param("label.<name>", description="only series with this label")],
            response="MetricSeries")},
    },
    "schemas": {
        "MetricBatch": {"type": "array", "items": {"type": "object",
                                                   "required": ["application", "name", "value"],
                                                   "properties": {
            "application": {"type": "string"}, "name": {"type": "string"},
            "value": {"type": "number"}, "ts": {"type": "string"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}}}}},
        "MetricName": {"type": "object", "properties": {
            "name": {"type": "string"},
            "labels": {"type": "array", "items": {"type": "object",
                                                  "additionalProperties": {"type": "string"}},
                       "description": "each label set the metric has"},
            "series": {"type": "integer"},
            "last_ts": {"type": "string", "format": "date-time", "nullable": True}}},
        "MetricSeries": {"type": "object", "properties": {
            "application": {"type": "string"}, "name": {"type": "string"},
            "mode": {"type": "string", "enum": ["raw", "buckets"]},
            "step_s": {"type": "number", "nullable": True}, "total": {"type": "integer"},
            "points": {"type": "array", "items": {"type": "object"}}}},
    },
}
