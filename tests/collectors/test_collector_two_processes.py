"""Two real `jadugar collect` processes share the checks through PostgreSQL: every check
runs once per interval, never twice, never skipped."""

import time

import pytest
from sqlalchemy import text
from support_processes import process_env, start_process, stop_process

from jadugar import db
from jadugar.services import applications, checks

CHECKS = 40
INTERVAL_S = 5
RUN_S = 17


@pytest.mark.slow
def test_it_runs_every_check_once_per_interval_across_two_collectors(
        targets, database_url, tmp_root, tmp_path, clean_db, engine):
    procs = [start_process(["collect"], process_env(
        database_url, tmp_path, JADUGAR_COLLECTOR_NAME=name,
        JADUGAR_DATA_DIR=str(tmp_path / name)), tmp_path / f"{name}.log")
        for name in ("collector-a", "collector-b")]
    # Checks fall due once both collectors run: a check due while they were still starting
    # would run late once and then on time, a short gap that is start-up, not a double run.
    _wait_until_reporting(engine, {"collector-a", "collector-b"})
    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "shared", "name": "Shared"})
        for n in range(CHECKS):
            checks.create_check(conn, "shared", {
                "name": f"c{n}", "type": "http", "target": f"{targets.http}/hit/{n}",
                "interval_s": INTERVAL_S, "timeout_s": 2})
    time.sleep(RUN_S)
    for proc in procs:
        stop_process(proc)
    assert [p.returncode for p in procs] == [0, 0], (tmp_path / "collector-a.log").read_text()

    with engine.connect() as c:
        rows = c.execute(text("""
            select c.name, array_agg(extract(epoch from h.ts) order by h.ts) as times,
                   array_agg(distinct h.collector) as by
              from health_checks c join history h on h.check_id = c.id
             group by c.name""")).all()
    assert len(rows) == CHECKS
    gaps = [b - a for r in rows for a, b in zip(r.times, r.times[1:], strict=False)]
    # Each run starts at its due time (+ lag), so gaps stay close to the interval.
    assert min(gaps) > INTERVAL_S - 1, "a check ran twice within one interval"
    assert max(gaps) < INTERVAL_S + 1, "a check skipped an interval"
    assert all(len(r.times) >= RUN_S // INTERVAL_S - 1 for r in rows)
    collectors = {name for r in rows for name in r.by}
    assert collectors == {"collector-a", "collector-b"}
    # The server saw exactly the runs that were stored: nothing ran unrecorded.
    assert sum(targets.hits[n] for n in range(CHECKS)) == sum(len(r.times) for r in rows)


def _wait_until_reporting(engine, names: set[str], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with engine.connect() as c:
            if set(c.execute(text("select name from collectors")).scalars()) >= names:
                return
        time.sleep(0.2)
    raise AssertionError(f"collectors {names} never reported")
