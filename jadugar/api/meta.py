"""/api/v1/: what this server is and who is asking."""

from flask import g, jsonify

from jadugar import __version__
from jadugar.api import api
from jadugar.api.openapi import op


@api.get("/")
def index():
    return jsonify({"name": "jadugar", "version": __version__,
                    "scope": getattr(g, "api_scope", None)})


OPENAPI = {"paths": {"/": {"get": op("Server name, version and your scope", "read")}}}
