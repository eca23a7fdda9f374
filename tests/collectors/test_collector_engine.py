"""The engine end to end in this process: claim from PostgreSQL, probe real local targets,
write history and current status."""

import asyncio

import pytest
from sqlalchemy import text

from collectors.engine import Engine
from collectors.probes import make_context
from collectors.spool import Spool
from collectors.store import Writer
from jadugar import db
from jadugar.services import applications, checks


def _make_checks(targets, database_url):
    specs = [
        ("ok", "http", f"{targets.http}/ok", {}),
        ("slow", "http", f"{targets.http}/slow", {"max_response_ms": 200}),
        ("failing", "http", f"{targets.http}/500", {}),
        ("redirect", "http", f"{targets.http}/redirect", {"status": [200]}),
        ("hang", "http", f"{targets.http}/hang", {}),
        ("port", "tcp", targets.http.split("//")[1], {}),
        ("closed-port", "tcp", "127.0.0.1:9", {}),
        ("cert", "tls", targets.tls, {"min_days_left": 14}),
        ("database", "postgres", database_url.replace("+psycopg", ""), {}),
    ]
    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "local", "name": "Local"})
        ids = {}
        for name, kind, target, expect in specs:
            row = checks.create_check(conn, "local", {
                "name": name, "type": kind, "target": target, "interval_s": 60,
                "timeout_s": 1.5, "expect": expect})
            ids[name] = row.id
        conn.execute(text("update health_checks set next_run_at = now()"))
    return ids


async def _run_once(tmp_path, seconds: float) -> Writer:
    stop = asyncio.Event()
    writer = Writer(Spool(tmp_path), every_s=0.2)
    async with await make_context() as ctx:
        engine = Engine("test-collector", "local", 50, ctx, writer)
        writing = asyncio.create_task(writer.run(stop))
        asyncio.get_running_loop().call_later(seconds, stop.set)
        await engine.run(stop)
        await writing
        await writer.flush()
    return writer


@pytest.mark.slow
def test_it_probes_real_targets_and_stores_what_it_saw(targets, database_url, tmp_path,
                                                       clean_db, engine):
    ids = _make_checks(targets, database_url)
    writer = asyncio.run(_run_once(tmp_path, 2.5))
    assert writer.spool.size == 0
    with engine.connect() as c:
        rows = {r.name: r for r in c.execute(text("""
            select c.name, c.status, c.fail_streak, h.status_code, h.error, h.details,
                   h.collector, (select count(*) from history x where x.check_id = c.id) n
              from health_checks c join history h on h.check_id = c.id""")).all()}
        app_status = c.execute(text("select status from applications")).scalar_one()
    assert {name: r.n for name, r in rows.items()} == dict.fromkeys(ids, 1)
    assert rows["ok"].status == "up" and rows["ok"].collector == "test-collector"
    assert rows["slow"].status == "degraded" and "limit 200 ms" in rows["slow"].error
    assert rows["failing"].status == "down" and rows["failing"].status_code == 500
    assert rows["failing"].fail_streak == 1
    assert rows["redirect"].status == "up"
    assert rows["hang"].status == "down" and "timed out" in rows["hang"].error
    assert rows["port"].status == "up" and rows["closed-port"].status == "down"
    assert rows["cert"].status == "down" and rows["cert"].details["cert_days_left"] < 6
    assert rows["database"].status == "up"
    assert app_status == "down"


def test_it_claims_each_due_check_once(database_url, clean_db, engine):
    from collectors.scheduler import claim_due_checks

    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "a", "name": "A"})
        for i in range(5):
            checks.create_check(conn, "a", {"name": f"c{i}", "type": "tcp",
                                            "target": "127.0.0.1:9", "interval_s": 30})
        conn.execute(text("update health_checks set next_run_at = now() - interval '1 s'"))
    with db.transaction() as conn:
        first = claim_due_checks(conn, "one", "local", 3)
    with db.transaction() as conn:
        second = claim_due_checks(conn, "two", "local", 10)
    with db.transaction() as conn:
        third = claim_due_checks(conn, "two", "local", 10)
    assert len(first) == 3 and len(second) == 2 and third == []
    assert {c.spec.id for c in first}.isdisjoint({c.spec.id for c in second})
    with engine.connect() as c:
        moved = c.execute(text("select min(next_run_at - now()) from health_checks")).scalar()
    assert moved.total_seconds() > 25
