"""/api/v1/heartbeat/{token}: pings from cron jobs. The token in the URL is the credential."""

from flask import jsonify, request

from jadugar import db
from jadugar.api import api
from jadugar.api.openapi import op, path_param
from jadugar.services import heartbeat as svc

MAX_MESSAGE_BYTES = 10_000


def _ping(token: str, kind: str):
    message = request.get_data(as_text=True)[:MAX_MESSAGE_BYTES].strip() or None
    with db.transaction() as conn:
        return jsonify({"ok": True, **svc.ping(conn, token, kind, message)})


@api.route("/heartbeat/<token>", methods=["GET", "POST"])
def heartbeat_ping(token: str):
    return _ping(token, "success")


@api.route("/heartbeat/<token>/start", methods=["GET", "POST"])
def heartbeat_start(token: str):
    return _ping(token, "start")


@api.route("/heartbeat/<token>/fail", methods=["GET", "POST"])
def heartbeat_fail(token: str):
    return _ping(token, "fail")


def _ops(summary: str) -> dict:
    one = op(summary, None, params=[path_param("token")])
    return {"get": one, "post": one}


OPENAPI = {"paths": {
    "/heartbeat/{token}": _ops("The job succeeded (a POST body is kept as its message)"),
    "/heartbeat/{token}/start": _ops("The job started (the success ping gives its duration)"),
    "/heartbeat/{token}/fail": _ops("The job failed (the check goes down at once)"),
}}
