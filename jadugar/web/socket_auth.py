"""Who may open a live-update socket, decided before the WebSocket upgrade.

Flask-SocketIO answers /socket.io/ in its own WSGI middleware, so Flask's before_request
hooks (jadugar.web.guard) never see those requests, and its `connect` handler runs only after
the upgrade, when the socket already holds server resources. `SocketGate` sits in front of
that middleware and refuses a new Engine.IO session (a request without `sid`) unless:

- the session cookie belongs to a signed-in user (Flask-Login, through the Flask app itself),
- `Authorization: Bearer <token>` or a `token` query parameter names a live API token, or
- anonymous view is on (JADUGAR_ANONYMOUS_VIEW=1).

Refusals are small plain-text answers: 401 without credentials, 429 past
JADUGAR_SOCKETS_PER_CLIENT open sockets for the same user, token, or (anonymous) address.
Requests that carry a `sid` belong to a session that already passed this gate.
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, request, session
from flask_login import current_user

from jadugar import auth, config, db, policy
from jadugar.web import sessions

log = logging.getLogger(__name__)
PRINCIPAL_KEY = "jadugar.socket_principal"
TICKET_KEY = "jadugar.socket_ticket"


@dataclass(frozen=True)
class Principal:
    """What a socket authenticated as: ("user", id), ("token", sha256) or ("anonymous", "").
    `role` is the user's role or the token's scope ('viewer' for anonymous readers);
    `session` is the digest of a signed-in user's server-side session, so logging out of
    that session closes its sockets too."""
    kind: str
    ident: str
    role: str
    address: str
    session: str = ""

    def policy_principal(self) -> policy.Principal:
        """The same identity as the policy table knows it."""
        if self.kind == "anonymous":
            return policy.ANONYMOUS
        return policy.Principal("scope" if self.kind == "token" else "role", self.role)

    def cap_key(self) -> str:
        # Anonymous readers have no identity but their address. Signed-in users and tokens
        # are counted by who they are, not where from: a whole office behind one NAT
        # address would otherwise share one allowance.
        return f"address:{self.address}" if self.kind == "anonymous" \
            else f"{self.kind}:{self.ident}"


def client_address(environ: dict[str, Any], trusted_proxies: int) -> str:
    """The peer address, or the one our trusted proxies saw (the Nth from the right of
    X-Forwarded-For); never a value the client could choose itself."""
    peer = environ.get("REMOTE_ADDR") or "unknown"
    if trusted_proxies <= 0:
        return peer
    hops = [h.strip() for h in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-trusted_proxies] if len(hops) >= trusted_proxies else peer


def _bearer_or_query_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.args.get("token") or None


def identify(auth_payload: Any = None) -> Principal | None:
    """The principal of the current request context (a handshake or a Socket.IO connect), or
    None. An explicit token wins over the session cookie; a wrong token is a refusal, never
    a fall-back to anonymous."""
    cfg = config.get()
    address = client_address(request.environ, cfg.trusted_proxies)
    token = auth_payload.get("token") if isinstance(auth_payload, dict) else None
    admitted = request.environ.get(PRINCIPAL_KEY)
    if isinstance(admitted, Principal) and (not token or (
            admitted.kind == "token" and admitted.ident == auth.token_digest(str(token)))):
        # The namespace connect of a session the gate admitted a moment ago, as the same
        # principal: no second database lookup per socket (2,000 sockets connect at once
        # after a restart).
        return admitted
    token = token if isinstance(token, str) and token else _bearer_or_query_token()
    if token:
        with db.transaction() as conn:
            scope = auth.token_scope(conn, token)
        if scope is None:
            return None
        return Principal("token", auth.token_digest(token), scope, address)
    if current_user and current_user.is_authenticated:
        sid = session.get(sessions.TOKEN_KEY)
        return Principal("user", str(current_user.id), current_user.role, address,
                         auth.token_digest(sid) if isinstance(sid, str) and sid else "")
    if cfg.anonymous_view:
        return Principal("anonymous", "", "viewer", address)
    return None


@dataclass(eq=False)
class Ticket:
    """One admitted handshake: counted against its principal until its Engine.IO session
    ends (or the handshake fails before a session exists)."""
    principal: Principal
    eio_sid: str | None = None
    released: bool = False


@dataclass
class SocketCaps:
    """Open sockets per principal, counted from handshake to Engine.IO disconnect."""
    limit: int
    counts: Counter = field(default_factory=Counter)
    by_sid: dict[str, Ticket] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, principal: Principal) -> Ticket | None:
        key = principal.cap_key()
        with self.lock:
            if self.counts[key] >= self.limit:
                return None
            self.counts[key] += 1
        return Ticket(principal)

    def bind(self, ticket: Ticket, eio_sid: str) -> None:
        with self.lock:
            ticket.eio_sid = eio_sid
            self.by_sid[eio_sid] = ticket

    def release(self, ticket: Ticket) -> None:
        with self.lock:
            if ticket.released:
                return
            ticket.released = True
            key = ticket.principal.cap_key()
            self.counts[key] -= 1
            if self.counts[key] <= 0:
                del self.counts[key]
            if ticket.eio_sid is not None:
                self.by_sid.pop(ticket.eio_sid, None)

    def release_sid(self, eio_sid: str) -> None:
        ticket = self.by_sid.get(eio_sid)
        if ticket is not None:
            self.release(ticket)

    def open_sessions(self) -> list[tuple[str, Principal]]:
        with self.lock:
            return [(sid, t.principal) for sid, t in self.by_sid.items()]


def _plain(start_response: Callable, status: str, text: str,
           extra: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body))), ("Cache-Control", "no-store"),
                            *extra])
    return [body]


# Handshakes authenticated at once (each needs a database connection). When every browser
# reconnects together (a restart), the rest wait their turn here instead of emptying the
# connection pool, where they would fail after JADUGAR_DB_TIMEOUT_S along with page requests.
AUTH_AT_ONCE = 8
AUTH_WAIT_S = 20.0


class SocketGate:
    """WSGI middleware in front of Flask-SocketIO's: authenticate and count new Engine.IO
    sessions before anything is upgraded."""

    def __init__(self, flask_app: Flask, inner: Callable, caps: SocketCaps,
                 path: str = "/socket.io") -> None:
        self.flask_app, self.inner, self.caps, self.path = flask_app, inner, caps, path
        self.authenticating = threading.BoundedSemaphore(AUTH_AT_ONCE)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        if not self._is_new_session(environ):
            return self.inner(environ, start_response)
        if not self.authenticating.acquire(timeout=AUTH_WAIT_S):
            return _plain(start_response, "503 Service Unavailable", "try again later\n",
                          [("Retry-After", "5")])
        try:
            with self.flask_app.request_context(environ):
                principal = identify()
        except Exception:  # e.g. the database is down: refuse, like the API's 503
            log.warning("socket handshake refused: could not authenticate", exc_info=True)
            return _plain(start_response, "503 Service Unavailable", "try again later\n")
        finally:
            self.authenticating.release()
        if principal is None:
            return _plain(start_response, "401 Unauthorized",
                          "log in, or send Authorization: Bearer <token>\n")
        ticket = self.caps.reserve(principal)
        if ticket is None:
            return _plain(start_response, "429 Too Many Requests",
                          f"at most {self.caps.limit} open live-update sockets per client\n",
                          [("Retry-After", "10")])
        environ[PRINCIPAL_KEY], environ[TICKET_KEY] = principal, ticket
        try:
            return self.inner(environ, start_response)
        finally:
            # A WebSocket handshake returns only when the socket has closed; any handshake
            # that made no session (bad origin, bad version) is over too.
            if ticket.eio_sid is None or _is_websocket(environ):
                self.caps.release(ticket)

    def _is_new_session(self, environ: dict[str, Any]) -> bool:
        path = environ.get("PATH_INFO", "")
        if path != self.path and not path.startswith(self.path + "/"):
            return False
        if environ.get("REQUEST_METHOD") == "OPTIONS":
            return False  # CORS preflight; creates nothing
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        return "sid" not in query


def _is_websocket(environ: dict[str, Any]) -> bool:
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    return query.get("transport") == ["websocket"]


def install(flask_app: Flask, sio_server: Any, limit: int) -> SocketCaps:
    """Put the gate in front of Flask-SocketIO's middleware and tie its tickets to Engine.IO
    sessions: bound when a session opens, released when it closes."""
    caps = SocketCaps(limit)
    flask_app.wsgi_app = SocketGate(flask_app, flask_app.wsgi_app, caps)  # type: ignore[method-assign]
    eio = sio_server.eio
    on_connect, on_disconnect = eio.handlers["connect"], eio.handlers["disconnect"]

    def connected(eio_sid: str, environ: dict[str, Any], *rest: Any) -> Any:
        ticket = environ.get(TICKET_KEY)
        if isinstance(ticket, Ticket):
            caps.bind(ticket, eio_sid)
        return on_connect(eio_sid, environ, *rest)

    def disconnected(eio_sid: str, *rest: Any) -> Any:
        caps.release_sid(eio_sid)
        return on_disconnect(eio_sid, *rest)

    eio.on("connect", connected)
    eio.on("disconnect", disconnected)
    return caps
