"""Stop PostgreSQL under a running collector, start it again: every check the targets saw
is in `history`, once. The collector spooled results locally and replayed them."""

import contextlib
import time

import pytest
from pg_tuning import retried
from sqlalchemy import text
from support_processes import process_env, start_process, stop_process

from jadugar import db, migrations
from jadugar.services import applications, checks

CHECKS = 10


@pytest.fixture
def own_server(tmp_path):
    import pgserver

    data = tmp_path / "pg"
    srv = retried(lambda: pgserver.get_server(data, cleanup_mode="stop"))
    url = db.sqlalchemy_url(srv.get_uri())
    engine = db.make_engine(url, timeout_s=1)
    migrations.upgrade(engine)
    yield data, srv, url, engine
    engine.dispose()
    with contextlib.suppress(Exception):
        srv.cleanup()


@pytest.mark.slow
def test_it_loses_no_result_while_the_database_is_down(targets, own_server, tmp_path):
    import pgserver

    data, srv, url, engine = own_server
    first = 1000  # hit counters apart from other tests' checks
    with engine.begin() as conn:
        applications.create_application(conn, {"slug": "outage", "name": "Outage"})
        for n in range(first, first + CHECKS):
            checks.create_check(conn, "outage", {
                "name": f"c{n}", "type": "http", "target": f"{targets.http}/hit/{n}",
                "interval_s": 5, "timeout_s": 2})
    log = tmp_path / "collector.log"
    proc = start_process(["collect"], process_env(url, tmp_path, JADUGAR_DB_TIMEOUT_S="1",
                                                  JADUGAR_COLLECTOR_NAME="survivor"), log)
    try:
        time.sleep(6)
        engine.dispose()
        srv.cleanup()  # PostgreSQL stops: we hold the only handle
        time.sleep(8)
        assert list((tmp_path / "app" / "collector").glob("spool-*.jsonl")), log.read_text()
        again = retried(lambda: pgserver.get_server(data, cleanup_mode="stop"))
        time.sleep(6)
    finally:
        stop_process(proc)
    try:
        assert proc.returncode == 0, log.read_text()[-3000:]
        with engine.connect() as c:
            stored = dict(c.execute(text("""select c.name, count(h.ts) from health_checks c
                left join history h on h.check_id = c.id group by c.name""")).all())
            spool = c.execute(text("select spool_size from collectors")).scalar_one()
        seen = {f"c{n}": targets.hits[n] for n in range(first, first + CHECKS)}
        assert stored == seen, log.read_text()[-3000:]
        assert sum(seen.values()) >= CHECKS * 3
        assert spool == 0
        assert "spooling" in log.read_text() and "spooled results" in log.read_text()
    finally:
        again.cleanup()
