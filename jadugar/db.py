"""The database seam: one engine per process, transactions via `transaction()`.

When no JADUGAR_DATABASE_URL is set, an embedded PostgreSQL (pgserver) is started in the
data directory. Every process that asks for the same directory shares that one server; it
stops when the last of them exits, so `jadugar up` holds it for its children.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url

from jadugar import audit_context, config

log = logging.getLogger(__name__)

_lock = threading.Lock()
_engine: Engine | None = None
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
    with engine().begin() as conn:
        audit_context.apply(conn)
        yield conn


@contextlib.contextmanager
def connection() -> Iterator[Connection]:
    with engine().connect() as conn:
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
