"""Every 4xx/5xx under /api is JSON: {"error": {"code", "message", "field"?}}."""

from __future__ import annotations

import logging

import psycopg
from flask import Flask, jsonify, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from jadugar.api import database_errors
from jadugar.errors import JadugarError
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
        # A page that needs the database while it is away tries again by itself.
        return error_page.render(err.message, err.status,
                                 retry_s=10 if err.status == 503 else None)

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

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    @app.errorhandler(psycopg.Error)  # raised bare by COPY on the driver's connection
    def _database(err: Exception):
        # Only an outage is a 503 (answered quickly: the server's state, not a bug); a value
        # the database refuses is the client's 4xx; anything else is a 500.
        return _jadugar(database_errors.classify(err))

    @app.errorhandler(Exception)
    def _bug(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return render(JadugarError("internal error", code="internal", status=500))
        return error_page.render("Internal error", 500)
