"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, jsonify

from jadugar import db, migrations

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    try:
        current = migrations.is_current(db.engine())
    except Exception as exc:  # unreachable database: not ready, say why
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return jsonify({"status": "unavailable", "database": "unreachable",
                        "error": reason[:200]}), 503
    if not current:
        return jsonify({"status": "unavailable", "database": "ok",
                        "migrations": "pending"}), 503
    return jsonify({"status": "ok", "database": "ok", "migrations": "current"})
