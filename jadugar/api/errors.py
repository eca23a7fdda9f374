"""Every 4xx/5xx under /api is JSON: {"error": {"code", "message", "field"?}}."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from jadugar.errors import JadugarError, Unavailable
from jadugar.web import error_page

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/readyz",)


def render(err: JadugarError):
    return jsonify(err.to_dict()), err.status


def install(app: Flask) -> None:
    @app.errorhandler(JadugarError)
    def _jadugar(err: JadugarError):
        if wants_json():
            return render(err)
        return error_page.render(err.message, err.status)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(err):
        limit = app.config.get("MAX_CONTENT_LENGTH")
        return render(JadugarError(f"the request body is larger than {limit} bytes",
                                   code="body_too_large", status=413))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if not wants_json():
            return error_page.from_http(err)
        code = (err.name or "error").lower().replace(" ", "_")
        return render(JadugarError(err.description or err.name, code=code,
                                   status=err.code or 500))

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def _db_down(err):
        # A database outage is the server's state, not a bug: answer quickly with 503.
        log.warning("database unavailable: %s", str(err).splitlines()[0])
        out = Unavailable("the database is unavailable; try again shortly")
        if wants_json():
            return render(out)
        return error_page.render(out.message, 503)

    @app.errorhandler(DataError)
    def _bad_value(err: DataError):
        # A value PostgreSQL cannot take (out of range, wrong type) that validation let
        # through: still the client's input, so 422, and logged so the gap gets a check.
        log.warning("value refused by the database on %s %s: %s", request.method,
                    request.path, str(err.orig).splitlines()[0] if err.orig else err)
        return render(JadugarError("a value is out of range or of the wrong type",
                                   code="invalid", status=422))

    @app.errorhandler(DBAPIError)
    def _db_error(err: DBAPIError):
        if getattr(err, "connection_invalidated", False):
            return _db_down(err)
        log.exception("database error")
        return render(JadugarError("internal database error", code="internal", status=500))

    @app.errorhandler(Exception)
    def _bug(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return render(JadugarError("internal error", code="internal", status=500))
        return error_page.render("Internal error", 500)
