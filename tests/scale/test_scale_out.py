"""Scale-out on loopback: one `jadugar serve --workers 2` and three collectors in two
locations (east-a, east-b in east; west-a in west) against one PostgreSQL, with real local
HTTP targets. From the history rows and the socket clients it proves that:

1. no check runs twice within an interval, per location, and none is skipped;
2. every socket client gets every result event, whichever worker it is on;
3. `kill -9` of a collector hands its checks to the others within one interval.

Shared checks (locations_required = 1) run once per interval anywhere; two-location checks
run once per interval in each location. What a SIGKILL may cost is the run the killed
collector had in flight or not yet flushed: one result per series, at the kill, no more
(tests/faults/test_faults_collector_sigkill.py says why).
"""

import os
import signal
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from support_processes import process_env, serving, start_process, stop_process
from support_sockets import api_call, connect_over_workers

pytestmark = pytest.mark.slow
INTERVAL_S = 5
SHARED, TWO_PLACES = 10, 6
PHASE_S = 13  # before and after the kill: two or three runs each
COLLECTORS = {"east-a": "east", "east-b": "east", "west-a": "west"}
SLACK_S = 1.5  # claimed up to 1 s early, started on time (+ lag)


def test_it_scales_out_to_two_workers_and_three_collectors(
        targets, database_url, make_token, clean_db, engine, tmp_path):
    admin, reader = make_token("admin"), make_token("read")
    env = process_env(database_url, tmp_path, JADUGAR_SOCKETS_PER_CLIENT="100")
    procs = {name: _collector(database_url, tmp_path, name, place)
             for name, place in COLLECTORS.items()}
    try:
        with serving(env, tmp_path, workers=2) as base:
            clients, inboxes = connect_over_workers(base, reader, workers=2,
                                                    events=("check_result",))
            try:
                for client in clients:
                    client.call("subscribe", {"rooms": ["application:scale"]}, timeout=5)
                _wait_until_reporting(engine, set(COLLECTORS))
                listening_since = _create_checks(base, admin, targets.http)
                time.sleep(PHASE_S)
                killed_at = datetime.now(UTC)
                os.kill(procs["east-a"].pid, signal.SIGKILL)
                procs["east-a"].wait(10)
                time.sleep(PHASE_S)
                for name in ("east-b", "west-a"):
                    stop_process(procs[name])
                time.sleep(2)  # the last flushes' events reach every client
            finally:
                for client in clients:
                    client.disconnect()
    finally:
        for proc in procs.values():
            stop_process(proc)
    rows = _history(engine)
    series = _series(rows)
    assert len(series) == SHARED + 2 * TWO_PLACES, sorted(series)
    _assert_every_interval_once(series, killed_at, tmp_path)
    _assert_handed_over(series, killed_at)
    _assert_every_client_got_every_result(inboxes, rows, listening_since)
    stored = sum(len(times) for times in series.values())
    probed = sum(targets.hits[n] for n in range(SHARED + TWO_PLACES))
    # Every stored result was a real probe; at most one per series died with east-a.
    assert stored <= probed <= stored + len(series)


def _collector(database_url, tmp_path, name: str, place: str):
    env = process_env(database_url, tmp_path, JADUGAR_COLLECTOR_NAME=name,
                      JADUGAR_COLLECTOR_LOCATION=place, JADUGAR_DATA_DIR=str(tmp_path / name))
    return start_process(["collect"], env, tmp_path / f"{name}.log")


def _wait_until_reporting(engine, names: set[str], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with engine.connect() as c:
            if set(c.execute(text("select name from collectors")).scalars()) >= names:
                return
        time.sleep(0.2)
    raise AssertionError(f"collectors {names} never reported")


def _create_checks(base: str, admin: str, http: str) -> datetime:
    """Through the API, as a user would; returns when the first could have run."""
    since = datetime.now(UTC)
    api_call(base, admin, "POST", "/applications", {"slug": "scale", "name": "Scale"})
    for n in range(SHARED + TWO_PLACES):
        api_call(base, admin, "POST", "/applications/scale/checks", {
            "name": f"c{n}", "type": "http", "target": f"{http}/hit/{n}",
            "interval_s": INTERVAL_S, "timeout_s": 2,
            "locations_required": 1 if n < SHARED else 2})
    return since


def _history(engine) -> list:
    with engine.connect() as c:
        return c.execute(text("""
            select c.name, h.check_id, h.ts, h.location, h.collector, c.locations_required
              from history h join health_checks c on c.id = h.check_id
             order by h.ts""")).all()


def _series(rows) -> dict[tuple[str, str], list]:
    """Run times (and who ran them) per check, and per location where that counts."""
    out: dict[tuple[str, str], list] = defaultdict(list)
    for r in rows:
        out[(r.name, r.location if r.locations_required > 1 else "any")].append(
            (r.ts, r.collector))
    return out


def _assert_every_interval_once(series, killed_at: datetime, tmp_path) -> None:
    for key, runs in series.items():
        for (a, _), (b, _) in zip(runs, runs[1:], strict=False):
            gap = (b - a).total_seconds()
            assert gap > INTERVAL_S - SLACK_S, f"{key} ran twice within an interval: {a}, {b}"
            # The run east-a had in flight at the kill is the one that may be missing.
            most = 2 * INTERVAL_S if a <= killed_at <= b else INTERVAL_S
            assert gap < most + SLACK_S, (f"{key} skipped a run: {a} to {b}\n"
                                          + (tmp_path / "east-b.log").read_text()[-2000:])


def _assert_handed_over(series, killed_at: datetime) -> None:
    by = {who for runs in series.values() for ts, who in runs if ts < killed_at}
    assert "east-a" in by, "east-a ran nothing before the kill: the kill proves nothing"
    deadline = killed_at + timedelta(seconds=INTERVAL_S + SLACK_S)
    for key, runs in series.items():
        after = [(ts, who) for ts, who in runs if ts > killed_at]
        assert all(who != "east-a" for _, who in after), key
        assert after and after[0][0] <= deadline, \
            f"{key} was not run by another collector within one interval of the kill"
        if key[1] == "east":
            assert {who for _, who in after} == {"east-b"}, key


def _assert_every_client_got_every_result(inboxes, rows, since: datetime) -> None:
    stored = {(r.check_id, r.ts) for r in rows if r.ts >= since}
    for i, inbox in enumerate(inboxes):
        heard = {(r["check_id"], datetime.fromisoformat(r["ts"]))
                 for _, data in inbox.got for r in data["results"]}
        missing = stored - heard
        assert not missing, f"client {i} of {len(inboxes)} missed {len(missing)} results"
