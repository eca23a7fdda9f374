"""Which database errors are an outage (503: try again), the client's value (4xx) or a bug
(500). jadugar.api.errors answers every database error through `classify`.

The exception class says little: psycopg files an index row too large, a lock not
available and a canceled statement under OperationalError, like a lost connection, and
SQLAlchemy wraps them all alike. The SQLSTATE decides, and a connection error without one
(refused, closed mid-query) comes from psycopg itself.
"""

from __future__ import annotations

import logging

import psycopg
from flask import request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from jadugar.errors import Conflict, Invalid, JadugarError, Unavailable

log = logging.getLogger(__name__)

# Class 08: connection exceptions. 57P01-57P05: the server is shutting down, crashed,
# starting up, dropped the database or closed an idle session. 53300: no connection slot
# free. Each means "not now", which is what 503 says.
OUTAGE_CLASSES = frozenset({"08"})
OUTAGE_STATES = frozenset({"57P01", "57P02", "57P03", "57P04", "57P05", "53300"})
# Integrity errors validation did not catch: a row stored meanwhile (409), or a value a
# CHECK or NOT NULL refuses (422).
CONFLICT_STATES = frozenset({"23505", "23503", "23P01"})


def classify(err: BaseException) -> JadugarError:
    """The error to answer for a database exception, logged at the level it deserves."""
    orig = err.orig if isinstance(err, DBAPIError) else err
    state = getattr(orig, "sqlstate", None) or ""
    first_line = (str(orig).splitlines() or [type(orig).__name__])[0]
    if isinstance(err, PoolTimeout):
        # Every pooled connection is in use: the server is busy, the database is fine.
        log.warning("no database connection free within the pool timeout")
        return JadugarError("the server is busy (every database connection is in use); "
                            "try again shortly", code="database_busy", status=503)
    if _is_outage(err, orig, state):
        log.warning("database unavailable: %s", first_line)
        return Unavailable("the database is unavailable; try again shortly")
    if state[:2] in ("22", "23", "54"):
        # The client's value, which validation let through: logged so the gap gets a check.
        log.warning("value refused by the database (%s) on %s %s: %s", state, request.method,
                    request.path, first_line)
        return _client_error(state, orig)
    log.error("database error (%s) on %s %s", state or type(orig).__name__, request.method,
              request.path, exc_info=err)
    return JadugarError("internal database error", code="internal", status=500)


def _is_outage(err: BaseException, orig: BaseException | None, state: str) -> bool:
    if getattr(err, "connection_invalidated", False):
        return True
    if isinstance(orig, psycopg.OperationalError) and not state:
        return True  # raised by psycopg itself: could not connect, or the connection broke
    return state[:2] in OUTAGE_CLASSES or state in OUTAGE_STATES


def _client_error(state: str, orig: BaseException | None) -> JadugarError:
    if state[:2] == "54":
        # "index row size 100040 exceeds btree version 4 maximum 2704 for index ...": sizes
        # and an index name, never the value itself.
        diag = getattr(orig, "diag", None)
        detail = getattr(diag, "message_primary", None) or "a program limit"
        return Invalid(f"a value is too large for the database to store or index ({detail})",
                       code="limit_exceeded")
    if state in CONFLICT_STATES:
        return Conflict("the change conflicts with data stored meanwhile; reload and retry")
    return Invalid("a value is out of range or of the wrong type", code="invalid")
