"""`kill -9` of the collector, then a restart: no result twice, none lost.

What "none lost" means: every result the collector had written or spooled to disk before
the kill is in `history` once the restarted collector has caught up. What a SIGKILL may
cost is what only lived in the killed process's memory: a probe in flight, and results
waiting for the next flush (at most half a second's worth). With 5 s intervals that is at
most one result per check, which the tests allow, and nothing else.

"No result twice": history is keyed on (check, time, location) and every write is
ON CONFLICT DO NOTHING, so a replayed batch adds nothing again; the restarted collector does
not run a check again within its interval (the target counts every probe).
"""

import json
import os
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from support_processes import process_env, start_process, stop_process

from collectors.spool import decode_line, encode_line
from jadugar.services import applications, checks
from jadugar.services.history import Row

pytestmark = pytest.mark.slow
CHECKS = 20


def _collector(own_db, tmp_path, log_name: str):
    env = process_env(own_db.url, tmp_path, JADUGAR_DB_TIMEOUT_S="1",
                      JADUGAR_COLLECTOR_NAME="k9")
    log = tmp_path / log_name
    return start_process(["collect"], env, log), log


def _kill(proc) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)


def _wait_until(predicate, what: str, timeout_s: float = 40, every_s: float = 0.2) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every_s)
    raise AssertionError(f"timed out waiting for {what}")


def _count(engine, sql: str) -> int:
    with engine.connect() as c:
        return c.execute(text(sql)).scalar_one()


def test_it_keeps_every_spooled_result_across_a_kill_during_an_outage(
        fault_targets, own_db, tmp_path):
    first = 100  # hit counters apart from other tests' checks
    with own_db.engine.begin() as conn:
        applications.create_application(conn, {"slug": "k9", "name": "K9"})
        for n in range(first, first + CHECKS):
            checks.create_check(conn, "k9", {"name": f"c{n}", "type": "http", "interval_s": 5,
                                             "target": f"{fault_targets.url}/hit/{n}"})
        conn.execute(text("update health_checks set next_run_at = now()"))
    proc, log = _collector(own_db, tmp_path, "first.log")
    try:
        _wait_until(lambda: _count(own_db.engine, "select count(*) from history") >= CHECKS,
                    "the first results")
        own_db.stop()
        time.sleep(6.5)  # every check runs again, into the spool
        _kill(proc)
    finally:
        stop_process(proc)
    spool = tmp_path / "app" / "collector" / "spool-k9.jsonl"
    spooled = {(r.check_id, r.ts) for line in spool.read_text().splitlines()
               for r in decode_line(line)[0]}
    assert len(spooled) >= CHECKS, log.read_text()[-3000:]

    own_db.start()
    restarted = datetime.now(UTC)
    proc, log = _collector(own_db, tmp_path, "second.log")
    try:  # the replay, and a new run of every check (all are overdue)
        _wait_until(lambda: not spool.exists() and _checks_run_since(own_db, restarted)
                    == CHECKS, "the replay and new runs")
    finally:
        stop_process(proc)
    assert proc.returncode == 0, log.read_text()[-3000:]
    with own_db.engine.connect() as c:
        stored = c.execute(text("select c.name, h.check_id, h.ts from history h "
                                "join health_checks c on c.id = h.check_id")).all()
    assert spooled <= {(r.check_id, r.ts) for r in stored}
    for n in range(first, first + CHECKS):
        mine = sum(1 for r in stored if r.name == f"c{n}")
        # Never more rows than probes; at most the one in flight at the kill missing.
        assert fault_targets.hits[n] - 1 <= mine <= fault_targets.hits[n], n
    assert not spool.exists() and _count(own_db.engine,
                                         "select spool_size from collectors") == 0


def _checks_run_since(own_db, since: datetime) -> int:
    with own_db.engine.connect() as c:
        return c.execute(text("select count(distinct check_id) from history where ts > :t"),
                         {"t": since}).scalar_one()


def test_it_finishes_a_replay_killed_half_way_without_a_duplicate(own_db, tmp_path):
    total = _fill_spool(own_db, tmp_path, checks_n=20, per_check=1000)
    proc, log = _collector(own_db, tmp_path, "first.log")
    try:
        _wait_until(lambda: _count(own_db.engine, "select count(*) from history") > 0,
                    "the replay to start", every_s=0.02)
        _kill(proc)
    finally:
        stop_process(proc)
    at_kill = _count(own_db.engine, "select count(*) from history")
    assert 0 < at_kill < total, "the kill came too late to be mid-replay"
    folder = tmp_path / "app" / "collector"
    assert (folder / "spool-k9.replay.jsonl").exists()

    proc, log = _collector(own_db, tmp_path, "second.log")
    try:
        _wait_until(lambda: not (folder / "spool-k9.replay.jsonl").exists(), "the replay")
    finally:
        stop_process(proc)
    assert proc.returncode == 0, log.read_text()[-3000:]
    assert _count(own_db.engine, "select count(*) from history") == total
    assert _count(own_db.engine, "select count(distinct (check_id, ts)) from history") == total
    assert not list(folder.glob("spool-k9*.jsonl"))


def _fill_spool(own_db, tmp_path, checks_n: int, per_check: int) -> int:
    """A spool as a collector cut off from the database for a long time leaves it; the
    checks are disabled so only the replay writes."""
    with own_db.engine.begin() as conn:
        applications.create_application(conn, {"slug": "k9", "name": "K9"})
        ids = [checks.create_check(conn, "k9", {
            "name": f"s{n}", "type": "http", "target": "http://127.0.0.1:9/", "interval_s": 60,
            "enabled": False}).id for n in range(checks_n)]
    folder = tmp_path / "app" / "collector"
    folder.mkdir(parents=True)
    start = datetime.now(UTC) - timedelta(days=1)
    with open(folder / "spool-k9.jsonl", "w") as f:
        for i in range(per_check):  # one batch per round of checks, as the writer spools
            f.write(json.dumps(encode_line([
                Row(c, start + timedelta(seconds=i), "default", "up", 1.0, 200,
                    collector="k9") for c in ids], None)) + "\n")
    return checks_n * per_check
