"""The Flask server under the Dash app: sessions, the guard, API, login and health routes."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from flask import Flask, send_from_directory
from flask_login import LoginManager

from jadugar import auth, config, db
from jadugar.api import errors as api_errors
from jadugar.api import register_resources
from jadugar.api.helpers import LimitedJSONProvider
from jadugar.web import guard, health, login, status_page

log = logging.getLogger(__name__)


def secret_key(cfg: config.Config) -> str:
    """JADUGAR_SECRET_KEY, or a key generated once and kept in the data directory so
    sessions survive restarts and are shared by every process on this machine."""
    if cfg.secret_key:
        return cfg.secret_key
    path = cfg.data_path / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _vendor_folder() -> Path:
    import flask_bootstrap

    return Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5"


def create_server(cfg: config.Config | None = None) -> Flask:
    cfg = cfg or config.get()
    server = Flask("jadugar")
    server.config.update(
        SECRET_KEY=secret_key(cfg),
        MAX_CONTENT_LENGTH=cfg.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        JSON_SORT_KEYS=False,
    )
    server.json = LimitedJSONProvider(server)  # JSON depth and item limits, Dash's too
    server.json.sort_keys = False  # type: ignore[attr-defined]

    manager = LoginManager(server)
    manager.login_view = "login.login_form"

    @manager.user_loader
    def _load(user_id: str) -> auth.User | None:
        with db.connection() as conn:
            return auth.load_user(conn, user_id)

    vendor = _vendor_folder()

    @server.get("/vendor/<path:filename>")
    def vendor_static(filename: str):
        # Bootstrap is served by us: CDNs are unreachable on many networks.
        return send_from_directory(vendor, filename, max_age=86400)

    api_errors.install(server)
    server.before_request(guard.check_request)
    server.register_blueprint(login.bp)
    server.register_blueprint(health.bp)
    server.register_blueprint(status_page.bp)
    server.register_blueprint(register_resources())
    return server
