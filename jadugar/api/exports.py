"""/api/v1/exports/...: the CSV behind every monitoring table and chart, for the same range
and filters as the pages. Streamed from a server-side cursor and formula-safe."""

from __future__ import annotations

from flask import Response, request, stream_with_context
from sqlalchemy import text

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import int_arg
from jadugar.api.openapi import op, path_param, query_param
from jadugar.services import csv_export, monitoring, uptime
from jadugar.services.ranges import MAX_POINTS, ORIGIN, resolve, step_for
from jadugar.timeutil import utcnow

RANGE = [query_param("range", description="1h, 6h, 24h, 7d, 30d, 90d, 1y or custom"),
         query_param("since", description="custom range start (ISO 8601 or Unix seconds)"),
         query_param("until", description="custom range end")]
CSV = {"type": "string", "description": "text/csv"}

HISTORY = text("""
select ts, location, status, response_ms, status_code, error from history
 where check_id = :check_id and ts >= :since and ts < :until order by ts
""")
ALERTS = text("""
select al.id, al.state, al.severity, a.slug as application, c.name as check_name, al.title,
       al.message, al.fired_at, al.acknowledged_at, al.acknowledged_by, al.resolved_at,
       al.resolved_by
  from alerts al left join applications a on a.id = al.application_id
  left join health_checks c on c.id = al.check_id
 where al.fired_at >= :since and al.fired_at < :until
   and (cast(:state as text) is null or al.state = :state)
   and (cast(:app as text) is null or a.slug = :app)
 order by al.fired_at desc
""")


def _range():
    return resolve(request.args.get("range") or ("custom" if request.args.get("since")
                                                  else "24h"),
                   request.args.get("since"), request.args.get("until"))


def _check_id(check_id: str) -> int:
    from jadugar.errors import Invalid

    if not check_id.isdigit():
        raise Invalid("check id must be a whole number", field="check_id")
    return int(check_id)


@api.get("/exports/overview.csv")
def export_overview():
    args = request.args
    with db.connection() as conn:
        rows = monitoring.export_rows(conn, q=args.get("q"), tag=args.get("tag"),
                                      env=args.get("env"), sort=args.get("sort", "status"))
    return Response(stream_with_context(csv_export.lines(monitoring.EXPORT_HEADER, rows)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="monitoring.csv"'})


@api.get("/exports/checks/<check_id>/history.csv")
def export_history(check_id: str):
    since, until = _range()
    return csv_export.stream_query(db.connection, HISTORY, {
        "check_id": _check_id(check_id), "since": since, "until": until},
        f"check-{check_id}-history.csv")


@api.get("/exports/checks/<check_id>/response-times.csv")
def export_response_times(check_id: str):
    since, until = _range()
    max_points = int_arg("max_points", MAX_POINTS, 1, 10000)
    return csv_export.stream_query(db.connection, uptime.RESPONSE_TIMES, {
        "check_id": _check_id(check_id), "since": since, "until": until,
        "step": step_for(since, until, max_points), "origin": ORIGIN},
        f"check-{check_id}-response-times.csv")


@api.get("/exports/checks/<check_id>/incidents.csv")
def export_incidents(check_id: str):
    since, until = _range()
    return csv_export.stream_query(db.connection, uptime.INCIDENTS, {
        "check_id": _check_id(check_id), "since": since, "until": until, "now": utcnow(),
        "limit": 100000}, f"check-{check_id}-incidents.csv")


@api.get("/exports/alerts.csv")
def export_alerts():
    since, until = _range()
    return csv_export.stream_query(db.connection, ALERTS, {
        "since": since, "until": until, "state": request.args.get("state") or None,
        "app": request.args.get("application") or None}, "alerts.csv")


def _csv_op(summary: str, params: list) -> dict:
    return {"get": op(summary, "read", response=CSV, params=params)}


CHECK = [path_param("check_id", "integer")]
OPENAPI = {
    "paths": {
        "/exports/overview.csv": _csv_op("Monitoring overview as CSV", [
            query_param("q"), query_param("tag"), query_param("env"), query_param("sort")]),
        "/exports/checks/{check_id}/history.csv": _csv_op("Raw results of a check",
                                                          CHECK + RANGE),
        "/exports/checks/{check_id}/response-times.csv": _csv_op(
            "Response-time p50/p95/min/max per bucket", CHECK + RANGE + [
                query_param("max_points", "integer", "at most this many buckets (2000)")]),
        "/exports/checks/{check_id}/incidents.csv": _csv_op("Down periods of a check",
                                                            CHECK + RANGE),
        "/exports/alerts.csv": _csv_op("Alerts fired in the range", RANGE + [
            query_param("state"), query_param("application")]),
    },
    "schemas": {},
}
