"""/api/v1/applications"""

from flask import jsonify

from jadugar import db
from jadugar.api import api
from jadugar.api.helpers import cursor_arg, limit_arg, page, scope
from jadugar.services import applications as svc


@api.get("/applications")
@scope("read")
def list_applications():
    limit, cursor = limit_arg(), cursor_arg()
    with db.transaction() as conn:
        rows = svc.list_applications(conn, limit, cursor[0] if cursor else None)
    return jsonify(page([svc.to_dict(r) for r in rows], rows, limit, lambda r: [r.slug]))


@api.get("/applications/<slug>")
@scope("read")
def get_application(slug: str):
    with db.transaction() as conn:
        return jsonify(svc.to_dict(svc.get_application(conn, slug)))
