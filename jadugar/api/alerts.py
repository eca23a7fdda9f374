"""/api/v1/alerts"""

from flask import jsonify, request

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import cursor_arg, limit_arg, page
from jadugar.api.openapi import PAGING, op, path_param, query_param
from jadugar.policy import current_actor
from jadugar.services import alerts as svc


@api.get("/alerts")
def list_alerts():
    limit, cursor = limit_arg(), cursor_arg()
    with db.transaction() as conn:
        rows = svc.list_alerts(conn, request.args.get("state") or None,
                               request.args.get("application") or None, limit,
                               int(cursor[0]) if cursor else None)
    return jsonify(page([svc.to_dict(r) for r in rows], rows, limit, lambda r: [r.id]))


@api.get("/alerts/<int:alert_id>")
def get_alert(alert_id: int):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.get_alert(conn, alert_id)))


@api.post("/alerts/<int:alert_id>/acknowledge")
def acknowledge_alert(alert_id: int):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.acknowledge(conn, alert_id, current_actor())))


@api.post("/alerts/<int:alert_id>/resolve")
def resolve_alert(alert_id: int):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.resolve(conn, alert_id, current_actor())))


_ID = [path_param("alert_id", "integer")]
OPENAPI = {
    "paths": {
        "/alerts": {"get": op("Alerts, newest first", "read", response="Alert", listing=True,
                              params=[query_param("state", description="firing, acknowledged, "
                                                  "resolved or open"),
                                      query_param("application"), *PAGING])},
        "/alerts/{alert_id}": {"get": op("One alert", "read", response="Alert", params=_ID)},
        "/alerts/{alert_id}/acknowledge": {"post": op(
            "Acknowledge a firing alert (reminders stop)", "ingest", response="Alert",
            params=_ID)},
        "/alerts/{alert_id}/resolve": {"post": op("Resolve an open alert", "ingest",
                                                  response="Alert", params=_ID)},
    },
    "schemas": {"Alert": {"type": "object", "properties": {
        "id": {"type": "integer"}, "rule_id": {"type": "integer", "nullable": True},
        "check_id": {"type": "integer", "nullable": True},
        "application": {"type": "string", "nullable": True},
        "project": {"type": "string", "nullable": True,
                    "description": "build and deploy alerts: the project's slug"},
        "build_id": {"type": "integer", "nullable": True,
                     "description": "build and deploy alerts: the build that fired it"},
        "state": {"type": "string", "enum": ["firing", "acknowledged", "resolved"]},
        "severity": {"type": "string"}, "title": {"type": "string"},
        "message": {"type": "string", "nullable": True},
        "fired_at": {"type": "string"}, "acknowledged_at": {"type": "string", "nullable": True},
        "acknowledged_by": {"type": "string", "nullable": True},
        "resolved_at": {"type": "string", "nullable": True},
        "resolved_by": {"type": "string", "nullable": True},
        "incident_key": {"type": "string", "nullable": True,
                         "description": "open alerts with the same key are one incident"}}}},
}
