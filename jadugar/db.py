"""The database seam: one engine per process, transactions via `transaction()`.

When no JADUGAR_DATABASE_URL is set, an embedded PostgreSQL (pgserver) is started in the
data directory. Every process that asks for the same directory shares that one server; it
stops when the last of them exits, so `jadugar up` holds it for its children.

Pages and exports read through `read_connection()`: a streaming replica when
JADUGAR_READ_DATABASE_URL is set, the primary otherwise. Writes, sessions, auth and live
events always use the primary (`transaction()`, `connection()`, `engine()`). A web request
that follows a recent write by the same browser reads the primary too (`route_reads`, set
by jadugar/web/read_routing.py), so nobody misses their own change to replica lag.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url

from jadugar import audit_context, config

log = logging.getLogger(__name__)

_lock = threading.Lock()
_engine: Engine | None = None
_read_engine: Engine | None = None
_embedded: Any = None  # the pgserver handle; kept alive for the life of the process


def sqlalchemy_url(url: str) -> str:
    """Accept postgresql:// and postgres:// as well as postgresql+psycopg://."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise config.ConfigError(
        "JADUGAR_DATABASE_URL must start with postgresql:// or postgresql+psycopg://")


def embedded_url(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in data_dir/pg and return its URL."""
    global _embedded
    data_dir.mkdir(parents=True, exist_ok=True)
    runtime = data_dir / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.chmod(runtime, 0o700)
    # pgserver warns (and may pick a shared folder) when this is unset or world-readable.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver  # late: only embedded set-ups need it, and it reads XDG_RUNTIME_DIR

    if _embedded is None:
        _embedded = pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
    return sqlalchemy_url(_embedded.get_uri())


def database_url(cfg: config.Config | None = None) -> str:
    cfg = cfg or config.get()
    if cfg.database_url:
        return sqlalchemy_url(cfg.database_url)
    return embedded_url(cfg.data_path)


def make_engine(url: str, timeout_s: float = 3.0, **kwargs: Any) -> Engine:
    connect_args = {"connect_timeout": max(1, int(timeout_s)), "application_name": "jadugar"}
    connect_args.update(kwargs.pop("connect_args", {}))
    return create_engine(
        url,
        pool_pre_ping=True,  # a restarted database must not leave dead connections behind
        pool_size=kwargs.pop("pool_size", 10),
        max_overflow=kwargs.pop("max_overflow", 20),
        pool_timeout=timeout_s,
        connect_args=connect_args,
        **kwargs,
    )


def engine() -> Engine:
    """The process-wide engine, created on first use."""
    global _engine
    with _lock:
        if _engine is None:
            cfg = config.get()
            _engine = make_engine(database_url(cfg), cfg.db_timeout_s)
        return _engine


def set_engine(new: Engine | None) -> None:
    """Install a different engine (tests, forked workers)."""
    global _engine
    with _lock:
        _engine = new


@contextlib.contextmanager
def transaction() -> Iterator[Connection]:
    """One transaction: committed when the block ends, rolled back on any exception.
    Writes in it are audited as whoever is bound in jadugar.audit_context."""
    routing = _routing.get()
    if routing is not None:
        routing.wrote = True
    with engine().begin() as conn:
        audit_context.apply(conn)
        yield conn


@contextlib.contextmanager
def connection() -> Iterator[Connection]:
    with engine().connect() as conn:
        yield conn


def has_replica(cfg: config.Config | None = None) -> bool:
    return bool((cfg or config.get()).read_database_url)


def read_engine() -> Engine:
    """The engine pages and exports read from: the replica at JADUGAR_READ_DATABASE_URL,
    or the primary's engine when that is unset."""
    global _read_engine
    cfg = config.get()
    if not has_replica(cfg):
        return engine()
    with _lock:
        if _read_engine is None:
            _read_engine = make_engine(sqlalchemy_url(cfg.read_database_url), cfg.db_timeout_s,
                                       connect_args={"application_name": "jadugar-read"})
        return _read_engine


def set_read_engine(new: Engine | None) -> None:
    """Install a different read engine (tests, forked workers); None: create on next use."""
    global _read_engine
    with _lock:
        _read_engine = new


@dataclass
class ReadRouting:
    """Where one web request's reads go, and whether it wrote (see jadugar/web/read_routing)."""

    primary: bool = False
    wrote: bool = False


_routing: ContextVar[ReadRouting | None] = ContextVar("jadugar_read_routing", default=None)


def route_reads(primary: bool) -> Token:
    """Bind this request's read routing; undo with `unroute_reads(token)` when it ends."""
    return _routing.set(ReadRouting(primary=primary))


def current_routing() -> ReadRouting | None:
    return _routing.get()


def unroute_reads(token: Token) -> None:
    try:
        _routing.reset(token)
    except ValueError:  # reset from another context (a streamed response closing late)
        _routing.set(None)


@contextlib.contextmanager
def read_connection() -> Iterator[Connection]:
    """A read-only connection for pages and exports: the replica, unless none is set or
    this request follows the browser's own recent write (then the primary).

    The transaction is READ ONLY on the primary as well (psycopg sends BEGIN READ ONLY, no
    extra round trip), so a write slipped into a page read fails in every test, not only
    in production against a replica."""
    routing = _routing.get()
    source = engine() if routing is not None and routing.primary else read_engine()
    with source.connect() as conn:
        conn.execution_options(postgresql_readonly=True)
        yield conn


def safe_url(url: str) -> str:
    """The URL without its password, for logs and CLI output."""
    return make_url(url).render_as_string(hide_password=True)


def copy_rows(conn: Connection, table: str, columns: list[str],
              rows: Any, types: list[str] | None = None) -> int:
    """Bulk-write rows with COPY inside the caller's transaction. With `types` (PostgreSQL
    type names, one per column) the binary format is used: several times faster than text."""
    raw = conn.connection.driver_connection
    cols = ", ".join(columns)
    fmt = " (format binary)" if types else ""
    n = 0
    with raw.cursor() as cur, cur.copy(f"copy {table} ({cols}) from stdin{fmt}") as cp:
        if types:
            cp.set_types(types)
        for row in rows:
            cp.write_row(row)
            n += 1
    return n
