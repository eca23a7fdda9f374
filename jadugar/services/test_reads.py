"""One build's test results, failures first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from jadugar.services.serialize import row_dict
from jadugar.services.test_ingest import build_of, build_summary

STATUSES = ("failed", "error", "flaky", "skipped", "passed")
# Failures first, then flaky, skipped, passed; within each, by suite and name.
_ORDER = "array_position(array['failed','error','flaky','skipped','passed'], r.status)"


def build_tests(conn: Connection, build_id: int, status: str | None, limit: int,
                offset: int = 0) -> dict[str, Any]:
    """The build's summary and one page of its results (limit + 1 rows fetched, so the
    caller knows whether more follow). `ts = created_at` prunes to one partition."""
    build = build_of(conn, build_id)
    rows = conn.execute(text(f"""
        select t.id as test_id, t.suite, t.name, r.status, r.duration_s, r.message
          from test_results r join tests t on t.id = r.test_id
         where r.build_id = :b and r.ts = :ts
           and (cast(:status as text) is null or r.status = :status)
         order by {_ORDER}, t.suite, t.name, r.test_id
         limit :limit offset :offset"""),
        {"b": build_id, "ts": build.created_at, "status": status, "limit": limit + 1,
         "offset": offset}).all()
    items = [row_dict(r) for r in rows]
    for item in items:
        if item["duration_s"] is not None:
            item["duration_s"] = round(item["duration_s"], 6)
    return {"build": build_id, "summary": build_summary(conn, build_id), "items": items}
