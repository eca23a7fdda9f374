"""Collectors' health: each collector reports itself; people read it in the API and
Settings. A collector unseen for three report intervals is shown as stale."""

from __future__ import annotations

import os
import socket
from typing import Any

from sqlalchemy import Connection, text

from jadugar import __version__
from jadugar.services.serialize import row_dict

REPORT_EVERY_S = 10
STALE_AFTER_S = 3 * REPORT_EVERY_S


def report(conn: Connection, name: str, location: str, checks_per_s: float = 0,
           lag_p50_ms: float | None = None, lag_p99_ms: float | None = None,
           spool_size: int = 0, started: bool = False, recent_ok: int = 0,
           recent_failed: int = 0) -> None:
    conn.execute(text(f"""
        insert into collectors (name, location, hostname, pid, version, checks_per_s,
                                lag_p50_ms, lag_p99_ms, spool_size, recent_ok, recent_failed)
        values (:name, :location, :host, :pid, :version, :cps, :p50, :p99, :spool, :ok,
                :failed)
        on conflict (name) do update set last_seen_at = now(), location = excluded.location,
            hostname = excluded.hostname, pid = excluded.pid, version = excluded.version,
            checks_per_s = excluded.checks_per_s, lag_p50_ms = excluded.lag_p50_ms,
            lag_p99_ms = excluded.lag_p99_ms, spool_size = excluded.spool_size,
            recent_ok = excluded.recent_ok, recent_failed = excluded.recent_failed
            {", started_at = now()" if started else ""}"""),
        {"name": name, "location": location, "host": socket.gethostname(), "pid": os.getpid(),
         "version": __version__, "cps": checks_per_s, "p50": lag_p50_ms, "p99": lag_p99_ms,
         "spool": spool_size, "ok": recent_ok, "failed": recent_failed})


def list_collectors(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(text("""
        select *, now() - last_seen_at > make_interval(secs => :stale) as stale
          from collectors order by location, name"""), {"stale": STALE_AFTER_S}).all()
    return [row_dict(r) for r in rows]
