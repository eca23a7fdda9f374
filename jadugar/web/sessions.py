"""Sign-in sessions kept on the server, so they can be ended.

The browser holds Flask's signed session cookie. After login it carries a random session
token; the database keeps the token's digest in web_sessions (see auth.create_session).
Every request looks the token up once (auth.session_user), so logout, a password change
or a deactivation ends a session everywhere at once, copies of the cookie included.

There is no separate "remember me" cookie: the session cookie itself is persistent and
expires with the server-side session (JADUGAR_SESSION_DAYS). Flask-Login's remember cookie
(`<id>|HMAC(id)`, the same on every login) is never set, and an old one is worthless: the
user loader refuses any request whose session holds no live token.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from jadugar import auth, config, db

TOKEN_KEY = "jadugar_sid"


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure when JADUGAR_SECURE_COOKIES asks for it or when
    this request arrived over HTTPS (directly, or through a proxy we were told to trust)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(config.get().secure_cookies) or request.is_secure


class _TrustedProxies:
    """werkzeug's ProxyFix with the hop count read per request from JADUGAR_TRUSTED_PROXIES:
    with 0, X-Forwarded-* headers are ignored (anyone can send them)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._fixes: dict[int, ProxyFix] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        hops = config.get().trusted_proxies
        if hops <= 0:
            return self.app(environ, start_response)
        if hops not in self._fixes:
            self._fixes[hops] = ProxyFix(self.app, x_for=hops, x_proto=hops, x_host=hops)
        return self._fixes[hops](environ, start_response)


def install(server: Flask, cfg: config.Config) -> None:
    server.session_interface = _CookieSessions()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(days=cfg.session_days),
        # The cookie's expiry is set at login to match the server-side session; pushing it
        # forward on every response would only outlive the session it points at.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    manager = LoginManager(server)
    manager.login_view = "login.login_form"
    manager.user_loader(_load)


def trust_proxies(server: Flask) -> None:
    """Believe X-Forwarded-For/-Proto/-Host from JADUGAR_TRUSTED_PROXIES proxies. Call it
    last, after Socket.IO wraps the app, so sockets see the client's address too."""
    server.wsgi_app = _TrustedProxies(server.wsgi_app)  # type: ignore[method-assign]


def _load(user_id: str) -> auth.User | None:
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str) or not token:
        return None  # includes Flask-Login's legacy remember cookie, which carries no token
    with db.transaction() as conn:
        return auth.session_user(conn, token, user_id)


def start(user: auth.User) -> None:
    """Sign `user` in on a brand-new session: whatever the browser's session held before
    (an attacker-planted one included) is dropped, so the session id changes at login."""
    session.clear()
    with db.transaction() as conn:
        token = auth.create_session(conn, user.id, config.get().session_days,
                                    request.remote_addr, request.user_agent.string)
    session[TOKEN_KEY] = token
    session.permanent = True
    login_user(user, remember=False)


def end() -> None:
    """Sign out: revoke this session on the server, then forget it in the browser."""
    token = session.get(TOKEN_KEY)
    if isinstance(token, str) and token:
        with db.transaction() as conn:
            auth.end_session(conn, token)
    session.clear()
    logout_user()  # after clear(): it leaves a note to delete any legacy remember cookie
