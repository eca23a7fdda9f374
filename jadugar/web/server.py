"""The Flask server under the Dash app: sessions, security headers, rate limits, the guard,
API, login and health routes."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, send_from_directory

from jadugar import config
from jadugar import secrets as vault
from jadugar.api import errors as api_errors
from jadugar.api import register_resources
from jadugar.api.helpers import LimitedJSONProvider
from jadugar.web import (
    audit_hook,
    badges,
    guard,
    headers,
    health,
    login,
    ratelimit,
    read_routing,
    selfmetrics,
    sessions,
    status_feed,
    status_page,
)

log = logging.getLogger(__name__)


def secret_key(cfg: config.Config) -> str:
    """JADUGAR_SECRET_KEY, or the data-dir key (see jadugar.secrets)."""
    return vault.master_key(cfg)


def _vendor_folder() -> Path:
    import flask_bootstrap

    return Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5"


def create_server(cfg: config.Config | None = None) -> Flask:
    cfg = cfg or config.get()
    server = Flask("jadugar")
    server.config.update(
        SECRET_KEY=secret_key(cfg),
        MAX_CONTENT_LENGTH=cfg.max_body_bytes,
        JSON_SORT_KEYS=False,
    )
    server.json = LimitedJSONProvider(server)  # JSON depth and item limits, Dash's too
    server.json.sort_keys = False  # type: ignore[attr-defined]
    sessions.install(server, cfg)
    read_routing.install(server, cfg)  # first: every request knows where its reads go
    headers.install(server, [status_page.LOCAL_TIME])

    vendor = _vendor_folder()

    @server.get("/vendor/<path:filename>")
    def vendor_static(filename: str):
        # Bootstrap is served by us: CDNs are unreachable on many networks.
        return send_from_directory(vendor, filename, max_age=86400)

    api_errors.install(server)
    selfmetrics.install(server)  # first before_request: refusals are timed too
    ratelimit.install(server, cfg)  # before the guard: count requests before checking tokens
    server.before_request(guard.check_request)
    audit_hook.install(server)
    server.register_blueprint(login.bp)
    server.register_blueprint(health.bp)
    server.register_blueprint(status_page.bp)
    server.register_blueprint(status_feed.bp)
    server.register_blueprint(badges.bp)
    api = register_resources()
    ratelimit.limit_api(api)
    server.register_blueprint(api)
    return server
