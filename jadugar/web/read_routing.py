"""Read your own writes with a replica: after a browser saves something, its pages read the
primary for JADUGAR_READ_AFTER_WRITE_S seconds.

A request that changes something (not GET, HEAD or OPTIONS) and opened a transaction gets
a small cookie holding the time; requests that bring a fresh one read the primary through
`db.read_connection()`. The cookie works whichever web process the next request reaches,
so no sticky sessions are needed. It grants nothing: a forged one only sends that
browser's reads to the primary. Installed only when JADUGAR_READ_DATABASE_URL is set.
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, g, request

from jadugar import config, db

COOKIE = "jadugar_wrote"
_READS = ("GET", "HEAD", "OPTIONS")


def install(server: Flask, cfg: config.Config) -> None:
    if not db.has_replica(cfg):
        return
    window = float(cfg.read_after_write_s)
    server.before_request(lambda: _route(window))
    server.after_request(lambda response: _remember(response, window))
    server.teardown_request(_unroute)


# The cookie's time was written by this or another web worker, perhaps on another machine:
# a little in the future is a clock's skew (or the rounding of its three decimals), still
# recent. It failed a test once: the next request came within the rounding.
SKEW_S = 1.0


def wrote_recently(cookie: str | None, window_s: float, now: float) -> bool:
    try:
        at = float(cookie or "")
    except ValueError:
        return False
    return -SKEW_S <= now - at <= window_s


def _route(window_s: float) -> None:
    g.read_routing = db.route_reads(
        primary=wrote_recently(request.cookies.get(COOKIE), window_s, time.time()))


def _remember(response: Response, window_s: float) -> Response:
    routing = db.current_routing()
    if routing is not None and routing.wrote and request.method not in _READS and window_s:
        response.set_cookie(COOKIE, f"{time.time():.3f}", max_age=math.ceil(window_s),
                            httponly=True, samesite="Lax",
                            secure=bool(config.get().secure_cookies) or request.is_secure)
    return response


def _unroute(_exc: BaseException | None = None) -> None:
    token = g.pop("read_routing", None)
    if token is not None:
        db.unroute_reads(token)
