"""One build's test results, failures first; one test's history across builds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import NotFound
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


def test_history(conn: Connection, test_id: int, since: Any, until: Any,
                 limit: int) -> dict[str, Any]:
    """One test's runs across builds, newest first (the (test_id, ts) index), with each
    build's branch and commit: the outcome and duration history of the Tests tab."""
    test = conn.execute(text("""select t.id, t.suite, t.name, p.slug as project from tests t
        join projects p on p.id = t.project_id where t.id = :t"""), {"t": test_id}).first()
    if test is None:
        raise NotFound(f"no test {test_id}", field="test_id")
    rows = conn.execute(text("""
        select r.build_id, b.number, r.ts, r.status, r.duration_s, r.message, b.branch,
               b.commit_sha
          from test_results r join builds b on b.id = r.build_id
         where r.test_id = :t
           and (cast(:since as timestamptz) is null or r.ts >= :since)
           and (cast(:until as timestamptz) is null or r.ts < :until)
         order by r.ts desc, r.build_id desc limit :limit"""),
        {"t": test_id, "since": since, "until": until, "limit": limit}).all()
    items = [row_dict(r) for r in rows]
    for item in items:
        if item["duration_s"] is not None:
            item["duration_s"] = round(item["duration_s"], 6)
    return {**row_dict(test), "items": items}
