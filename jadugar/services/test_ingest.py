"""JUnit reports into a build: hash, parse, intern the names, COPY the results.

All in the caller's transaction, so a report that fails anywhere leaves nothing behind.
A report is known by its SHA-256 per build: posting the same bytes again changes nothing
and answers what the first post stored. Results are stamped with the build's created_at,
so all of one build's rows share one daily partition.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, text

from jadugar import events
from jadugar.errors import NotFound
from jadugar.services import build_rules, junit

SUMMARY_KEYS = ("tests", "failed", "skipped", "errors", "duration_s")
_BUILD = text("""select b.id, b.project_id, b.created_at, p.slug from builds b
                 join projects p on p.id = b.project_id where b.id = :id""")
_REPORT = text("""select tests, failed, skipped, errors, duration_s from test_reports
                  where build_id = :b and sha256 = :h""")


def build_of(conn: Connection, build_id: int) -> Any:
    row = conn.execute(_BUILD, {"id": build_id}).first()
    if row is None:
        raise NotFound(f"no build {build_id}", field="build_id")
    return row


def ingest(conn: Connection, build_id: int, raw: bytes) -> tuple[dict[str, Any], bool]:
    """1. find the build, 2. a report already taken answers as before (False), 3. parse,
    4. record the report's hash and counts (a concurrent twin loses here), 5. intern the
    test names, 6. COPY the results, 7. publish a `tests` event. Returns (answer, new)."""
    build = build_of(conn, build_id)
    digest = hashlib.sha256(raw).digest()
    known = conn.execute(_REPORT, {"b": build_id, "h": digest}).first()
    if known is not None:
        return _answer(conn, build_id, known._asdict()), False
    report = junit.parse(raw)
    counts = report.counts()
    stored = conn.execute(text("""insert into test_reports
        (build_id, sha256, tests, failed, skipped, errors, duration_s)
        values (:b, :h, :tests, :failed, :skipped, :errors, :duration_s)
        on conflict do nothing returning build_id"""),
        {"b": build_id, "h": digest, **counts}).first()
    if stored is None:
        known = conn.execute(_REPORT, {"b": build_id, "h": digest}).one()
        return _answer(conn, build_id, known._asdict()), False
    ids = intern(conn, build.project_id, report.cases)
    copy_results(conn, build.created_at, build_id, ids, report.cases)
    build_rules.after_tests(conn, build_id, ids)
    events.publish(conn, "tests", {"project": build.slug, "build": build_id,
                                   **{k: counts[k] for k in SUMMARY_KEYS}})
    return _answer(conn, build_id, counts), True


def _answer(conn: Connection, build_id: int, counts: dict[str, Any]) -> dict[str, Any]:
    out = {k: counts[k] for k in SUMMARY_KEYS}
    out["duration_s"] = round(float(out["duration_s"]), 3)
    out["build"] = build_summary(conn, build_id)
    return out


def build_summary(conn: Connection, build_id: int) -> dict[str, Any]:
    """The sum of every report taken for the build (shards and matrix jobs add up)."""
    row = conn.execute(text("""select count(*) as reports, coalesce(sum(tests), 0) as tests,
        coalesce(sum(failed), 0) as failed, coalesce(sum(skipped), 0) as skipped,
        coalesce(sum(errors), 0) as errors, coalesce(sum(duration_s), 0) as duration_s
        from test_reports where build_id = :b"""), {"b": build_id}).one()
    out = {k: int(v) for k, v in row._asdict().items() if k != "duration_s"}
    out["duration_s"] = round(float(row.duration_s), 3)
    return out


def intern(conn: Connection, project_id: int, cases: list[junit.Case]) -> list[int]:
    """The tests.id of each case, creating the names not seen before: the distinct names
    go by COPY into a temporary table, then one INSERT of the new ones (sorted, so two
    reports creating the same names lock them in the same order) and one join."""
    index: dict[tuple[str, str], int] = {}
    of_case = [index.setdefault((c.suite, c.name), len(index)) for c in cases]
    conn.execute(text("create temp table if not exists _junit_names "
                      "(i integer, suite text, name text) on commit drop"))
    conn.execute(text("truncate _junit_names"))
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(
            "copy _junit_names (i, suite, name) from stdin (format binary)") as cp:
        cp.set_types(["int4", "text", "text"])
        for (suite, name), i in index.items():
            cp.write_row((i, suite, name))
    conn.execute(text("""insert into tests (project_id, suite, name)
        select :p, n.suite, n.name from _junit_names n
         where not exists (select 1 from tests t where t.project_id = :p
                              and t.suite = n.suite and t.name = n.name)
         order by n.suite, n.name
        on conflict do nothing"""), {"p": project_id})
    ids = [0] * len(index)
    for i, test_id in conn.execute(text("""select n.i, t.id from _junit_names n join tests t
            on t.project_id = :p and t.suite = n.suite and t.name = n.name"""),
                                   {"p": project_id}):
        ids[i] = test_id
    return [ids[k] for k in of_case]


def copy_results(conn: Connection, ts: Any, build_id: int, test_ids: list[int],
                 cases: list[junit.Case]) -> None:
    """Binary COPY of one row per case into the partitioned test_results."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(
            "copy test_results (ts, build_id, test_id, status, duration_s, message) "
            "from stdin (format binary)") as cp:
        cp.set_types(["timestamptz", "int8", "int8", "text", "float4", "text"])
        for test_id, c in zip(test_ids, cases, strict=True):
            cp.write_row((ts, build_id, test_id, c.status, c.duration_s, c.message))
