"""A spooled batch that can never be written (its check was deleted, a value PostgreSQL
refuses) is set aside with one log line and never retried; the results of other checks in
the same batch are written. Real PostgreSQL, the collector's real writer and spool."""

import asyncio
import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from support_processes import process_env, start_process, stop_process

from collectors.spool import Spool
from collectors.store import Writer, write_batch
from jadugar import db
from jadugar.services import applications, checks
from jadugar.services.history import Row


@pytest.fixture
def two_checks(clean_db):
    """(id of a live check, id of a check deleted since its results were spooled)."""
    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "aside", "name": "Aside"})
        ids = [checks.create_check(conn, "aside", {
            "name": name, "type": "http", "target": "http://127.0.0.1:9/", "interval_s": 60,
            "enabled": False}).id for name in ("live", "deleted")]
        checks.delete_check(conn, ids[1])
    return ids


def _rows(check_id: int, n: int, **kw) -> list[Row]:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    return [Row(check_id, start + timedelta(seconds=i), "here", "up", 1.0, 200,
                collector="test", **kw) for i in range(n)]


class CountingWrite:
    """The real write path, counted: how often the writer goes to the database."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, rows, samples) -> None:
        self.calls += 1
        write_batch(rows, samples)


def _stored(engine, check_id: int) -> int:
    with engine.connect() as c:
        return c.execute(text("select count(*) from history where check_id = :c"),
                         {"c": check_id}).scalar_one()


def _set_aside_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "set aside" in r.getMessage()]


def test_it_sets_aside_a_deleted_checks_spooled_results_and_writes_the_rest(
        two_checks, tmp_path, engine, caplog):
    live, deleted = two_checks
    spool = Spool(tmp_path)
    # One batch mixes both checks, as a real one would; another has only live results.
    spool.append(_rows(live, 3) + _rows(deleted, 2))
    spool.append(_rows(live, 5)[3:])
    write = CountingWrite()
    writer = Writer(spool, write=write)
    caplog.set_level(logging.INFO, logger="collectors")

    asyncio.run(writer.flush())

    assert _stored(engine, live) == 5
    assert spool.size == 0 and not spool.path.exists() and not spool.replaying.exists()
    aside = [json.loads(line) for line in spool.rejected.read_text().splitlines()]
    assert [len(a["rows"]) for a in aside] == [2]
    assert {r[0] for r in aside[0]["rows"]} == {deleted}
    assert "no longer exists" in aside[0]["reason"]
    [line] = _set_aside_lines(caplog)
    assert line.levelno == logging.WARNING and "2 results" in line.getMessage()

    calls = write.calls
    for _ in range(3):  # later flushes do not try the batch again
        asyncio.run(writer.flush())
    assert write.calls == calls and len(_set_aside_lines(caplog)) == 1


def test_it_writes_a_fresh_batch_whose_check_was_deleted_meanwhile(two_checks, tmp_path,
                                                                   engine, caplog):
    live, deleted = two_checks
    writer = Writer(Spool(tmp_path))
    for row in _rows(live, 2) + _rows(deleted, 1):
        writer.add(row)
    caplog.set_level(logging.INFO, logger="collectors")

    asyncio.run(writer.flush())

    assert _stored(engine, live) == 2
    assert writer.db_ok and writer.spool.size == 0 and not writer.spool.path.exists()
    assert len(_set_aside_lines(caplog)) == 1


def test_it_sets_aside_only_the_check_with_a_value_postgres_refuses(two_checks, tmp_path,
                                                                    engine):
    live, _ = two_checks
    with db.transaction() as conn:
        other = checks.create_check(conn, "aside", {
            "name": "other", "type": "http", "target": "http://127.0.0.1:9/",
            "interval_s": 60, "enabled": False}).id
    spool = Spool(tmp_path)
    # A NUL character: JSON carries it, PostgreSQL text cannot (a DataError).
    spool.append(_rows(live, 2) + _rows(other, 1, error="bad\x00byte") + _rows(other, 2)[1:])

    asyncio.run(Writer(spool).flush())

    assert _stored(engine, live) == 2
    assert _stored(engine, other) == 0  # its group is set aside whole, one check at a time
    [aside] = [json.loads(x) for x in spool.rejected.read_text().splitlines()]
    assert len(aside["rows"]) == 2 and aside["reason"].startswith(("DataError", "Character"))
    assert spool.size == 0 and not spool.replaying.exists()


@pytest.mark.slow
def test_a_running_collector_sets_a_dead_batch_aside_once(own_db, tmp_path):
    """The issue's case end to end: `jadugar collect` starts with a spool holding results of
    a deleted check mixed with others; they are written, the rest set aside, once."""
    with own_db.engine.begin() as conn:
        applications.create_application(conn, {"slug": "aside", "name": "Aside"})
        live, deleted = (checks.create_check(conn, "aside", {
            "name": name, "type": "http", "target": "http://127.0.0.1:9/", "interval_s": 60,
            "enabled": False}).id for name in ("live", "deleted"))
        checks.delete_check(conn, deleted)
    spool = Spool(tmp_path / "app" / "collector", name="spool-aside")
    for i in range(3):
        spool.append(_rows(live, 9)[i * 3:i * 3 + 3] + _rows(deleted, 9)[i * 3:i * 3 + 3])
    log = tmp_path / "collector.log"
    proc = start_process(["collect"], process_env(own_db.url, tmp_path,
                                                  JADUGAR_COLLECTOR_NAME="aside"), log)
    try:
        deadline = time.monotonic() + 30
        while _stored(own_db.engine, live) < 9 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # long enough for the old code's retry loop to show (13 in 15 s)
    finally:
        stop_process(proc)
    text_ = log.read_text()
    assert _stored(own_db.engine, live) == 9, text_[-3000:]
    assert text_.count("set aside 9 results") == 1 and "replay failed" not in text_, text_
    assert not spool.path.exists() and not spool.replaying.exists()
