"""Withdrawn access ends open sockets.

A socket is authenticated once, at its handshake; the API re-checks a token on every request,
but a socket would keep receiving events for as long as it stays open. So the web process
re-validates the principal of every open socket every SWEEP_INTERVAL_S, in one query, and
closes the sockets of revoked tokens, deactivated users and ended sign-in sessions (logout,
password change): within about 3 s, well inside
the 10 s promised in docs/security.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from sqlalchemy import Connection

from jadugar import db
from jadugar.services import access
from jadugar.web.socket_auth import Principal

log = logging.getLogger(__name__)
SWEEP_INTERVAL_S = 3.0


def still_allowed(conn: Connection, principals: Iterable[Principal]) -> set[tuple[str, str]]:
    """The (kind, ident) pairs among `principals` that may still read: active users and
    unrevoked tokens, and ("session", digest) for live sign-in sessions. Anonymous readers
    are not in the database and are not checked here."""
    known = list(principals)
    return access.still_allowed(conn, [p.ident for p in known if p.kind == "user"],
                                [p.ident for p in known if p.kind == "token"],
                                [p.session for p in known if p.session])


def _alive(p: Principal, alive: set[tuple[str, str]]) -> bool:
    # A signed-in socket lives as long as its session (logout, password change and
    # deactivation all end sessions); one without a session id as long as its user.
    return ("session", p.session) in alive if p.session else (p.kind, p.ident) in alive


def sweep_once(entries: list[tuple[str, Principal]], close: Callable[[str], None]) -> int:
    """Close every session (by key) whose principal lost access; return how many."""
    checked = [(key, p) for key, p in entries if p.kind != "anonymous"]
    if not checked:
        return 0
    with db.connection() as conn:
        alive = still_allowed(conn, [p for _, p in checked])
    doomed = sorted({key for key, p in checked if not _alive(p, alive)})
    for key in doomed:
        close(key)
    if doomed:
        log.info("closed %d live-update socket(s) whose access was withdrawn", len(doomed))
    return len(doomed)


def run_forever(entries: Callable[[], list[tuple[str, Principal]]],
                close: Callable[[str], None], sleep: Callable[[float], None],
                interval_s: float = SWEEP_INTERVAL_S) -> None:
    """The sweep loop (a thread, or a greenlet under gevent). A database outage skips a
    round: sockets are not closed for lack of an answer."""
    while True:
        sleep(interval_s)
        try:
            sweep_once(entries(), close)
        except Exception as exc:
            log.warning("socket sweep skipped: %s", str(exc).splitlines()[0] if str(exc)
                        else type(exc).__name__)
