"""Realistic demo data: months of builds, weeks of checks and metrics, a few alerts.

Loading is idempotent: a marker row (taken under an advisory lock) makes a second run a
no-op, so `jadugar up --demo` can be run every time.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import Connection, text

from jadugar.services.demo import builds, monitoring, self_watch
from jadugar.timeutil import utcnow

MARKER = "demo-v1"


def load(conn: Connection, *, now: datetime | None = None, seed: int = 7,
         self_url: str = "http://127.0.0.1:8050", database_url: str | None = None) -> bool:
    """Load the demo data set; False when it was already there."""
    conn.execute(text("select pg_advisory_xact_lock(72872)"))
    inserted = conn.execute(text(
        "insert into demo_marker (name) values (:name) on conflict do nothing returning name"),
        {"name": MARKER}).first()
    if inserted is None:
        return False
    now = now or utcnow()
    rng = random.Random(seed)
    project_ids = builds.load(conn, rng, now)
    monitoring.load(conn, rng, now, project_ids, self_url=self_url, database_url=database_url)
    self_watch.load(conn, self_url=self_url)
    return True
