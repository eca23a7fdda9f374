"""/api/v1/heartbeat/{token}: pings from cron jobs. The token in the URL is the credential."""

from flask import jsonify, request

from jadugar import db
from jadugar.api import api
from jadugar.api.openapi import op, path_param
from jadugar.services import heartbeat as svc

MAX_MESSAGE_BYTES = 10_000


def _ping(token: str, kind: str, exit_code: int | None = None):
    body = request.get_data(as_text=True)
    # A job's log ends with what went wrong: an exit ping keeps the end of it.
    body = body[-MAX_MESSAGE_BYTES:] if exit_code is not None else body[:MAX_MESSAGE_BYTES]
    message = body.strip() or None
    with db.transaction() as conn:
        return jsonify({"ok": True, **svc.ping(conn, token, kind, message, exit_code)})


@api.route("/heartbeat/<token>", methods=["GET", "POST"])
def heartbeat_ping(token: str):
    return _ping(token, "success")


@api.route("/heartbeat/<token>/start", methods=["GET", "POST"])
def heartbeat_start(token: str):
    return _ping(token, "start")


@api.route("/heartbeat/<token>/fail", methods=["GET", "POST"])
def heartbeat_fail(token: str):
    return _ping(token, "fail")


@api.route("/heartbeat/<token>/<int:exit_code>", methods=["GET", "POST"])
def heartbeat_exit(token: str, exit_code: int):
    return _ping(token, "exit", exit_code)


def _ops(summary: str) -> dict:
    one = op(summary, None, params=[path_param("token")])
    return {"get": one, "post": one}


OPENAPI = {"paths": {
    "/heartbeat/{token}": _ops("The job succeeded (a POST body is kept as its message)"),
    "/heartbeat/{token}/start": _ops("The job started (the success ping gives its duration)"),
    "/heartbeat/{token}/fail": _ops("The job failed (the check goes down at once)"),
    "/heartbeat/{token}/{exit_code}": {method: op(
        "The job ended with this exit status: 0 is a success, anything else a failure "
        "(a POST body is kept as its log, the last 500 characters)", None,
        params=[path_param("token"), {**path_param("exit_code", "integer"),
                                      "description": "0 to 255"}])
        for method in ("get", "post")},
}}
