"""Who is changing things right now, for the audit log.

A web request or a CLI command binds an actor, an address and a channel here; when a
transaction begins, jadugar.db copies them into transaction-local settings that the audit
triggers read (migration 0007). One statement per transaction, and none when nothing is
bound (the collector, demo data): those writes are recorded as 'system'.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass

from sqlalchemy import Connection, text

VIAS = ("api", "ui", "cli", "webhook", "system", "sql")


@dataclass(frozen=True)
class Binding:
    actor: str
    address: str | None
    via: str
    # An API token is named by its prefix on the wire; its name is looked up in the same
    # statement that sets the values, so binding costs no extra round trip.
    token_prefix: str | None = None


_current: ContextVar[Binding | None] = ContextVar("jadugar_audit", default=None)

# set_config(..., true): the values vanish at COMMIT or ROLLBACK, so a pooled connection
# never carries one request's actor into the next.
_APPLY = text("""
select set_config('jadugar.actor', coalesce(
           (select 'token ' || name || ' (' || prefix || '…)' from api_tokens
             where prefix = cast(:prefix as text) order by id desc limit 1), :actor), true),
       set_config('jadugar.address', :address, true),
       set_config('jadugar.via', :via, true)
""")


def bind(actor: str, address: str | None = None, via: str = "api",
         token_prefix: str | None = None) -> Token:
    if via not in VIAS:
        raise ValueError(f"via must be one of {VIAS}")
    return _current.set(Binding(actor[:200], address, via, token_prefix))


def unbind(token: Token) -> None:
    try:
        _current.reset(token)
    except ValueError:  # reset from another context (a streamed response closing late)
        _current.set(None)


@contextlib.contextmanager
def bound(actor: str, address: str | None = None, via: str = "api",
          token_prefix: str | None = None) -> Iterator[Binding]:
    token = bind(actor, address, via, token_prefix)
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        unbind(token)


def current() -> Binding | None:
    return _current.get()


def apply(conn: Connection) -> None:
    """Hand the bound actor to the audit triggers for the rest of this transaction."""
    b = _current.get()
    if b is None:
        return
    conn.execute(_APPLY, {"actor": b.actor, "address": b.address or "", "via": b.via,
                          "prefix": b.token_prefix})
