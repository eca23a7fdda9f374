"""/api/v1/reports/sla: uptime and incidents per application per month (or custom range),
maintenance windows left out; as JSON, streamed CSV, or printable HTML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Response, jsonify, request, stream_with_context
from markupsafe import escape

from jadugar import db
from jadugar.api import api
from jadugar.api.openapi import op, query_param
from jadugar.humanize import day_span, moment
from jadugar.services import csv_export, reports
from jadugar.services.serialize import value
from jadugar.timeutil import parse_time, utcnow

PARAMS = [query_param("since", description="start (ISO 8601 or Unix seconds); default: the "
                      "first day of the month two months ago"),
          query_param("until", description="end, exclusive; default: now"),
          query_param("period", description="month (default) or range"),
          query_param("application", description="one application's slug")]


def _report() -> list[dict]:
    return _window_and_report()[2]


def _window_and_report() -> tuple[datetime, datetime, list[dict]]:
    now = utcnow()
    default_since = (now.replace(day=1) - timedelta(days=62)).replace(day=1)
    since = parse_time(request.args.get("since"), "since") or datetime(
        default_since.year, default_since.month, 1, tzinfo=UTC)
    until = parse_time(request.args.get("until"), "until") or now
    with db.read_connection() as conn:
        return since, until, reports.sla(conn, since, until,
                                         request.args.get("period", "month"),
                                         request.args.get("application") or None)


def _pct(uptime: float | None) -> str:
    return "–" if uptime is None else f"{uptime * 100:.3f}%"


@api.get("/reports/sla")
def sla_json():
    return jsonify({"items": [{k: value(v) for k, v in r.items()} for r in _report()]})


@api.get("/reports/sla.csv")
def sla_csv():
    rows = reports.as_rows(_report())
    return Response(stream_with_context(csv_export.lines(reports.HEADER, rows)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="sla.csv"'})


def _span(since: datetime, until: datetime) -> str:
    return day_span(*reports.period_days(since, "range", since, until))


@api.get("/reports/sla.html")
def sla_html():
    since, until, rows = _window_and_report()
    period = request.args.get("period", "month")
    body = "".join(
        f"<tr><td>{escape(day_span(*reports.period_days(r['period'], period, since, until)))}"
        f"</td><td>{escape(r['name'])}</td>"
        f"<td>{_pct(r['uptime'])}</td>"
        f"<td>{r['incidents']}</td><td>{r['results']}</td></tr>" for r in rows)
    html = f"""<!doctype html><html><head><meta charset="utf-8"><title>SLA report</title>
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css"></head>
<body class="p-4"><h1 class="h4">SLA report · {escape(_span(since, until))}</h1>
<p class="text-body-secondary small">Generated {escape(moment(utcnow()))}. Maintenance windows
are left out; uptime counts results that are not down.</p>
<table class="table table-sm"><thead><tr><th>Period (UTC)</th><th>Application</th>
<th>Uptime</th><th>Incidents</th><th>Results</th></tr></thead><tbody>{body}</tbody></table>
</body></html>"""
    return Response(html, mimetype="text/html")


SLA_ROW = {"type": "object", "properties": {
    "application": {"type": "string"}, "name": {"type": "string"},
    "period": {"type": "string", "format": "date-time"}, "results": {"type": "integer"},
    "down_results": {"type": "integer"}, "incidents": {"type": "integer"},
    "uptime": {"type": "number", "nullable": True}}}
OPENAPI = {
    "paths": {
        "/reports/sla": {"get": op("SLA per application and month", "read", params=PARAMS,
                                   response={"type": "object", "properties": {
                                       "items": {"type": "array", "items": SLA_ROW}}})},
        "/reports/sla.csv": {"get": op("SLA report as CSV", "read", params=PARAMS,
                                       response={"type": "string"})},
        "/reports/sla.html": {"get": op("SLA report as printable HTML", "read",
                                        params=PARAMS, response={"type": "string"})},
    },
    "schemas": {},
}
