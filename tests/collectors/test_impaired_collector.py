"""Issue 12, finding 7, with real processes: two `jadugar collect` in two locations, one of
them cut off from the network (its outbound guard refuses every loopback address, so every
probe it makes fails as a lost network would). It judges itself impaired, leaves the
shared checks to the healthy collector, raises no alert about the checks, and the alert
about itself is notified by the collector that has network."""

import time

import pytest
from sqlalchemy import text
from support_processes import process_env, start_process, stop_process

from jadugar import db
from jadugar.services import applications, checks, notifications

CHECKS = 12


@pytest.mark.slow
def test_a_cut_off_collector_blames_itself_not_the_checks(targets, receiver, database_url,
                                                         tmp_path, clean_db, engine):
    url, got = receiver
    with db.transaction() as conn:
        notifications.create_target(conn, {"name": "ops", "url": url})
        applications.create_application(conn, {"slug": "shop", "name": "Shop"})
        for n in range(CHECKS):
            checks.create_check(conn, "shop", {
                "name": f"c{n}", "type": "http", "target": f"{targets.http}/hit/{n}",
                "interval_s": 5, "timeout_s": 2})
    procs = [
        start_process(["collect"], process_env(
            database_url, tmp_path, JADUGAR_COLLECTOR_NAME="healthy",
            JADUGAR_COLLECTOR_LOCATION="eu", JADUGAR_DATA_DIR=str(tmp_path / "a")),
            tmp_path / "healthy.log"),
        start_process(["collect"], process_env(
            database_url, tmp_path, JADUGAR_COLLECTOR_NAME="cut-off",
            JADUGAR_COLLECTOR_LOCATION="us", JADUGAR_DATA_DIR=str(tmp_path / "b"),
            JADUGAR_CHECK_DENY_NETWORKS="127.0.0.0/8,::1/128"),
            tmp_path / "cut-off.log")]
    try:
        impaired_at = _wait_for(engine, "select impaired_since from collectors "
                                        "where name = 'cut-off'", 60)
        titles = _wait_for(engine, "select array_agg(title) from alerts", 30)
        _wait_until(lambda: any("impaired" in m.get("title", "") for m in got), 30)
        time.sleep(6)  # more than an interval: the healthy collector runs everything now
        with engine.connect() as c:
            late = c.execute(text("""select count(*) from history where collector = 'cut-off'
                                     and ts > :t + interval '2 s'"""),
                             {"t": impaired_at}).scalar()
            healthy = c.execute(text("""select count(distinct check_id) from history
                                        where collector = 'healthy'""")).scalar()
            check_alerts = c.execute(text(
                "select count(*) from alerts where check_id is not null")).scalar()
            impaired = c.execute(text("select name from collectors "
                                      "where impaired_since is not null")).scalars().all()
    finally:
        for proc in procs:
            stop_process(proc)
    assert titles == ["Collector cut-off (us) is impaired"]
    assert impaired == ["cut-off"]
    assert check_alerts == 0
    assert late == 0, "an impaired collector went on claiming shared checks"
    assert healthy == CHECKS
    assert [m["title"] for m in got] == ["[FIRED] Collector cut-off (us) is impaired"]


def _wait_for(engine, sql: str, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with engine.connect() as c:
            value = c.execute(text(sql)).scalar()
        if value is not None:
            return value
        time.sleep(0.5)
    raise AssertionError(f"nothing from {sql!r} in {timeout_s} s")


def _wait_until(condition, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError("the notification never arrived")
