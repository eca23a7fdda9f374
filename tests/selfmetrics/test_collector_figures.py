"""After a real collector run, /metrics shows what the collectors table holds: checks per
second, lag, spool and liveness, per collector."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from scrape_support import scrape, value
from support_processes import process_env, start_process, stop_process

from jadugar import db
from jadugar.services import applications, checks, collector_status
from jadugar.timeutil import parse_time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "collectors"))
from local_targets import Targets  # noqa: E402  (the collector tests' local targets)

NAME = "metrics-collector"


@pytest.fixture
def targets(tmp_path):
    t = Targets.start(tmp_path)
    yield t
    t.stop()


def _report(timeout_s: float = 40) -> dict:
    """The collector's first report that counts checks."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with db.transaction() as conn:
            rows = [r for r in collector_status.list_collectors(conn) if r["name"] == NAME]
        if rows and rows[0]["checks_per_s"] > 0:
            return rows[0]
        time.sleep(0.5)
    raise AssertionError("the collector never reported a check")


@pytest.mark.slow
def test_it_shows_the_collectors_figures_from_the_table(
        client, make_token, targets, database_url, tmp_path):
    with db.transaction() as conn:
        applications.create_application(conn, {"slug": "watched", "name": "Watched"})
        for n in range(20):
            checks.create_check(conn, "watched", {
                "name": f"c{n}", "type": "http", "target": f"{targets.http}/hit/{n}",
                "interval_s": 5, "timeout_s": 2})
    proc = start_process(["collect"], process_env(
        database_url, tmp_path, JADUGAR_COLLECTOR_NAME=NAME,
        JADUGAR_COLLECTOR_LOCATION="lab", JADUGAR_DATA_DIR=str(tmp_path / NAME)),
        tmp_path / "collector.log")
    try:
        row = _report()
    finally:
        stop_process(proc)  # the table keeps its last report; the page must show that one
    with db.transaction() as conn:
        row = next(r for r in collector_status.list_collectors(conn) if r["name"] == NAME)
    samples = scrape(client, Authorization=f"Bearer {make_token('read')}")
    who = {"collector": NAME, "location": "lab"}
    assert value(samples, "jadugar_database_up") == 1
    assert value(samples, "jadugar_collector_up", **who) == 1
    assert value(samples, "jadugar_collector_checks_per_second", **who) == row["checks_per_s"]
    assert row["checks_per_s"] > 0
    assert value(samples, "jadugar_collector_lag_seconds", quantile="0.5", **who) == \
        pytest.approx(row["lag_p50_ms"] / 1000)
    assert value(samples, "jadugar_collector_lag_seconds", quantile="0.99", **who) == \
        pytest.approx(row["lag_p99_ms"] / 1000)
    assert value(samples, "jadugar_collector_spool_results", **who) == row["spool_size"]
    assert value(samples, "jadugar_collector_last_report_timestamp_seconds", **who) == \
        pytest.approx(parse_time(row["last_seen_at"], "last_seen_at").timestamp())
