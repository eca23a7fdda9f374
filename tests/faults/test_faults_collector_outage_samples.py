"""PostgreSQL stops under a collector running prometheus checks: the scraped samples are
spooled with the results, and after the restart every scrape is in `metrics`, once."""

import contextlib
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from support_processes import process_env, start_process, stop_process

from collectors.spool import decode_line
from jadugar.services import applications, checks

CHECKS = 20
pytestmark = pytest.mark.slow


def test_it_stores_every_scrape_once_after_an_outage(fault_targets, own_db, tmp_path):
    with own_db.engine.begin() as conn:
        applications.create_application(conn, {"slug": "scraped", "name": "Scraped"})
        for n in range(CHECKS):
            checks.create_check(conn, "scraped", {
                "name": f"m{n}", "type": "prometheus", "interval_s": 5,
                "target": f"{fault_targets.url}/metrics/{n}",
                "options": {"series": ["fault_scrapes_total"]}})
        conn.execute(text("update health_checks set next_run_at = now()"))
    log = tmp_path / "collector.log"
    proc = start_process(["collect"], process_env(own_db.url, tmp_path, JADUGAR_DB_TIMEOUT_S="1",
                                                  JADUGAR_COLLECTOR_NAME="scraper"), log)
    try:
        _wait_for_history(own_db.engine, log)
        own_db.stop()
        time.sleep(7)  # every check runs at least once meanwhile (interval 5 s)
        spooled = _spooled_samples(tmp_path)
        own_db.start()
        _wait_for_replay(own_db.engine, tmp_path, datetime.now(UTC), log)
    finally:
        stop_process(proc)
    assert proc.returncode == 0, log.read_text()[-3000:]
    assert len(spooled) >= CHECKS, log.read_text()[-3000:]

    with own_db.engine.connect() as c:
        points = c.execute(text("""
            select s.labels->>'target' as n, array_agg(m.value order by m.ts) as values,
                   array_agg(m.ts order by m.ts) as times
              from metric_series s join metrics m on m.series_id = s.id
             where s.name = 'fault_scrapes_total' group by 1""")).all()
        results = dict(c.execute(text("""
            select substr(c.name, 2), array_agg(h.ts order by h.ts) from health_checks c
              join history h on h.check_id = c.id group by 1""")).all())
        stored = set(c.execute(text("""select s.labels->>'target', m.value from metrics m
            join metric_series s on s.id = m.series_id""")).all())
    assert len(points) == CHECKS
    for p in points:
        # Scrape k answered fault_scrapes_total = k: every scrape is there, once.
        assert p.values == [float(k) for k in range(1, fault_targets.scrapes[int(p.n)] + 1)]
        assert p.times == results[p.n]  # a sample per stored result, at its time
    assert {(s[2]["target"], s[3]) for s in spooled} <= stored
    assert "spooled results" in log.read_text()


def _wait_for_history(engine, log, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with engine.connect() as c:
            if c.execute(text("select count(*) from metrics")).scalar_one() >= CHECKS:
                return
        time.sleep(0.2)
    raise AssertionError(f"no samples stored:\n{log.read_text()[-3000:]}")


def _wait_for_replay(engine, tmp_path, since, log, timeout_s: float = 40) -> None:
    """Until the spool is written and every check has run since `since`."""
    spool = tmp_path / "app" / "collector" / "spool-scraper.jsonl"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OperationalError), engine.connect() as c:
            ran = c.execute(text("select count(distinct check_id) from history where ts > :t"),
                            {"t": since}).scalar_one()
            if ran == CHECKS and not spool.exists():
                return
        time.sleep(0.2)
    raise AssertionError(f"the spool was not replayed:\n{log.read_text()[-3000:]}")


def _spooled_samples(tmp_path) -> list[tuple]:
    out = []
    for path in (tmp_path / "app" / "collector").glob("spool-scraper.jsonl"):
        for line in path.read_text().splitlines():
            out += decode_line(line)[1]
    return out
