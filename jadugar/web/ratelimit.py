"""Rate limits (Flask-Limiter): failed sign-ins per account and per address, and API calls
per token.

Only what is decorated here is limited: /healthz, /readyz, static files, Dash's routes and
Socket.IO are never counted. Limits are read from the settings on every request (callables),
so a changed configuration applies without rebuilding the app.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded

from jadugar import config

limiter = Limiter(key_func=lambda: _address(), strategy="fixed-window",
                  in_memory_fallback_enabled=True)


def _address() -> str:
    # After ProxyFix (JADUGAR_TRUSTED_PROXIES) this is the client, not the proxy.
    return "addr:" + (request.remote_addr or "unknown")


def _account() -> str:
    return "account:" + request.form.get("username", "").strip().lower()[:64]


def _api_client() -> str:
    """A digest of the bearer token, so the token itself never sits in the counters."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return _address()


def _login_failed(response: Response) -> bool:
    return response.status_code == 401


def install(server: Flask, cfg: config.Config) -> None:
    """Attach the limiter. Call before the guard's before_request, so a flood of requests
    with wrong tokens is limited before any of them costs a database lookup."""
    server.config["RATELIMIT_STORAGE_URI"] = cfg.rate_limit_storage
    limiter.init_app(server)
    server.register_error_handler(RateLimitExceeded, _too_many)


def limit_logins(view: Callable[..., Any]) -> Callable[..., Any]:
    """Count only failed sign-ins (401), per account and per address. Once either limit is
    reached every attempt, right password included, gets 429 until the window passes."""
    def login_limit() -> str:
        return config.get().login_rate_limit

    view = limiter.limit(login_limit, key_func=_account, deduct_when=_login_failed)(view)
    return limiter.limit(login_limit, key_func=_address, deduct_when=_login_failed)(view)


def limit_api(bp: Blueprint) -> None:
    if bp.name in _limited_blueprints:  # a second server in one process (tests)
        return
    _limited_blueprints.add(bp.name)
    limiter.limit(lambda: config.get().api_rate_limit, key_func=_api_client)(bp)


_limited_blueprints: set[str] = set()


def retry_after() -> int:
    """Whole seconds until the breached window resets (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def _too_many(err: RateLimitExceeded):
    from jadugar.api.errors import render, wants_json
    from jadugar.errors import JadugarError
    from jadugar.web import login

    wait = retry_after()
    headers = {"Retry-After": str(wait)}
    if wants_json():
        out = render(JadugarError(f"too many requests; try again in {wait} s ({err.description})",
                                  code="rate_limited", status=429))
        return out[0], 429, headers
    return login.too_many(wait), 429, headers  # only the login form is limited outside /api
