"""Test-only settings for the embedded PostgreSQL servers the tests start.

Their data lives for one run: durability buys nothing, and each forced flush costs. A
DROP DATABASE forces a checkpoint of the whole server, which took 100 s on a loaded CI
machine with durable settings. Never applied to a server the tests did not start (the
shared one of JADUGAR_TEST_DATABASE_URL), nor to a primary a replica is copied from
(a base backup needs full-page writes)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import create_engine, text

T = TypeVar("T")
FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def make_fast(url: str) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            for name, value in FAST.items():
                c.execute(text(f"alter system set {name} = '{value}'"))
            c.execute(text("select pg_reload_conf()"))
    finally:
        admin.dispose()


def retried(start: Callable[[], T], attempts: int = 3) -> T:
    """pgserver gives PostgreSQL 10 s to start; after a stop it may first replay its WAL,
    and on a loaded machine that can take longer. The server keeps starting meanwhile:
    asking again joins it."""
    for attempt in range(attempts):
        with contextlib.suppress(Exception):
            return start()
        time.sleep(1 + attempt)
    return start()
