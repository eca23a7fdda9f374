"""/api/v1/audit: who changed which setting, check, rule, user, token or secret, from where
and when (admin scope). JSON pages, or every match as a streamed, formula-safe CSV
(`Accept: text/csv`, `?format=csv` or /audit.csv)."""

from flask import jsonify, request

from jadugar import db
from jadugar.api import api
from jadugar.api.csv_lists import wants_csv
from jadugar.api.helpers import cursor_arg, limit_arg, page, time_args
from jadugar.api.openapi import PAGING, TIME_RANGE, op, query_param
from jadugar.audit_context import VIAS
from jadugar.errors import Invalid
from jadugar.services import audit
from jadugar.services.csv_export import stream


def _filter() -> audit.AuditFilter:
    since, until = time_args()
    return audit.AuditFilter(since=since, until=until,
                             actor=request.args.get("actor") or None,
                             object_type=request.args.get("object_type") or None)


def _csv():
    flt = _filter()
    return stream(db.connection, lambda conn: audit.export(conn, flt), "audit.csv")


def _format() -> str:
    fmt = request.args.get("format") or ("csv" if wants_csv() else "json")
    if fmt not in ("json", "csv"):
        raise Invalid("format must be json or csv", field="format")
    return fmt


@api.get("/audit")
def list_audit():
    if _format() == "csv":
        return _csv()
    flt, limit, cursor = _filter(), limit_arg(), cursor_arg()
    with db.connection() as conn:
        rows = audit.list_entries(conn, flt, limit, cursor)
    return jsonify(page([audit.to_dict(r) for r in rows], rows, limit,
                        lambda r: [r.at, r.id]))


@api.get("/audit.csv")
def audit_csv():
    return _csv()


FILTERS = [*TIME_RANGE,
           query_param("actor", description="part of the actor's name, any case"),
           query_param("object_type", description=", ".join(audit.OBJECT_TYPES))]
_TEXT = {"type": "string", "nullable": True}
OPENAPI = {
    "paths": {
        "/audit": {"get": op(
            "Audit log, newest first: who changed what, from where, when (Accept: text/csv "
            "or format=csv streams every match)", "admin", response="AuditEntry",
            listing=True, params=[*FILTERS, *PAGING,
                                  query_param("format", description="json (default) or csv")])},
        "/audit.csv": {"get": op("Every matching audit entry as a streamed, formula-safe CSV",
                                 "admin", response={"type": "string", "format": "text/csv"},
                                 params=FILTERS)},
    },
    "schemas": {
        "AuditEntry": {"type": "object", "properties": {
            "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
            "actor": _TEXT, "address": _TEXT,
            "via": {"type": "string", "enum": list(VIAS)},
            "action": {"type": "string", "enum": ["create", "update", "delete"]},
            "object_type": {"type": "string", "enum": list(audit.OBJECT_TYPES)},
            "object_id": _TEXT, "object_name": _TEXT,
            "summary": {"type": "object", "description": "changed columns and new values; "
                        "secrets read (changed) or (set), never a value"}}},
    },
}
