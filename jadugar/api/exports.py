"""/api/v1/exports/...: the CSV behind every monitoring table and chart, for the same range
and filters as the pages. Streamed from a server-side cursor and formula-safe; read from the
replica when JADUGAR_READ_DATABASE_URL is set (db.read_connection)."""

from __future__ import annotations

from flask import Response, request, stream_with_context

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import int_arg
from jadugar.api.openapi import op, path_param, query_param
from jadugar.services import alerts, csv_export, monitoring, uptime
from jadugar.services.ranges import MAX_POINTS, resolve
from jadugar.timeutil import utcnow

RANGE = [query_param("range", description="1h, 6h, 24h, 7d, 30d, 90d, 1y or custom"),
         query_param("since", description="custom range start (ISO 8601 or Unix seconds)"),
         query_param("until", description="custom range end")]
CSV = {"type": "string", "description": "text/csv"}

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
    with db.read_connection() as conn:
        rows = monitoring.export_rows(conn, q=args.get("q"), tag=args.get("tag"),
                                      env=args.get("env"), sort=args.get("sort", "status"))
    return Response(stream_with_context(csv_export.lines(monitoring.EXPORT_HEADER, rows)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="monitoring.csv"'})


@api.get("/exports/checks/<check_id>/history.csv")
def export_history(check_id: str):
    since, until, cid = *_range(), _check_id(check_id)
    return csv_export.stream(db.read_connection, lambda conn: uptime.export_history(
        conn, cid, since, until), f"check-{check_id}-history.csv")


@api.get("/exports/checks/<check_id>/response-times.csv")
def export_response_times(check_id: str):
    since, until, cid = *_range(), _check_id(check_id)
    max_points = int_arg("max_points", MAX_POINTS, 1, 10000)
    return csv_export.stream(db.read_connection, lambda conn: uptime.export_response_times(
        conn, cid, since, until, max_points), f"check-{check_id}-response-times.csv")


@api.get("/exports/checks/<check_id>/incidents.csv")
def export_incidents(check_id: str):
    since, until, cid = *_range(), _check_id(check_id)
    return csv_export.stream(db.read_connection, lambda conn: uptime.export_incidents(
        conn, cid, since, until, utcnow()), f"check-{check_id}-incidents.csv")


@api.get("/exports/alerts.csv")
def export_alerts():
    since, until = _range()
    state, app = request.args.get("state") or None, request.args.get("application") or None
    return csv_export.stream(db.read_connection, lambda conn: alerts.export(
        conn, since=since, until=until, state=state, application=app), "alerts.csv")


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
