from datetime import UTC, datetime, timedelta

import pytest
from monitoring_factory import make_app, make_check
from rollup_data import add_results
from sqlalchemy import text

from jadugar.services import rollups, uptime

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
KEEP = {"raw": 14, "1m": 90, "1h": 730, "1d": 0}
T0 = datetime(2026, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize(("span", "ago", "res"), [
    (timedelta(days=365), timedelta(0), "1d"),
    (timedelta(days=90), timedelta(0), "1h"),
    (timedelta(days=7), timedelta(0), "1m"),
    (timedelta(hours=24), timedelta(0), "1m"),
    (timedelta(hours=1), timedelta(0), "raw"),
    (timedelta(days=7), timedelta(days=200), "1h"),  # 1-minute rollups are gone by then
    (timedelta(hours=3), timedelta(days=30), "1m"),  # raw is gone by then
])
def test_it_reads_the_coarsest_resolution_that_gives_enough_points(span, ago, res):
    until = NOW - ago
    assert rollups.resolution_for(until - span, until, NOW, KEEP) == res


def test_a_year_reads_about_365_rows():
    assert rollups.step_of(timedelta(hours=6), "1d") == timedelta(days=1)
    assert rollups.step_of(timedelta(days=2), "1h") == timedelta(days=2)


def _set_marks(conn, until):
    for name in ("check_1m", "check_1h", "check_1d"):
        conn.execute(text("insert into rollup_watermarks values (:n, :t) on conflict (name) "
                          "do update set done_until = excluded.done_until"),
                     {"n": name, "t": until})


def test_it_charts_from_rollups_and_raw_for_the_part_not_rolled_up_yet(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, 3 * 24 * 180)
    rollups.rebuild(conn, T0, T0 + timedelta(days=2))
    _set_marks(conn, T0 + timedelta(days=2))  # the third day is raw only
    until, now = T0 + timedelta(days=3), T0 + timedelta(days=3, hours=1)
    kept = {"raw": 0, "1m": 0, "1h": 0, "1d": 0}
    mixed = uptime.response_times(conn, check, T0, until, max_points=200, now=now,
                                  keep_days=kept)
    raw = uptime.response_times(conn, check, T0, until, max_points=200, now=now,
                                keep_days={"raw": 0, "1m": 1, "1h": 1, "1d": 1})
    assert len(mixed) == len(raw) == 144 and rollups.resolution_for(T0, until, now, kept) == "1m"
    assert [(r["t"], r["count"], r["min"], r["max"]) for r in mixed] == [
        (r["t"], r["count"], r["min"], r["max"]) for r in raw]
    for m, r in zip(mixed, raw, strict=True):
        assert abs(m["p95"] - r["p95"]) <= 0.35 * r["p95"]  # one slot is 1.5x wide
