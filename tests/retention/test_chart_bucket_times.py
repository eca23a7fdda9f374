"""A chart from rollups gives its buckets' starts as the database gives a timestamptz: in
the session's time zone, across a change to summer time; and no buckets where the rollups
hold no rows."""

from datetime import UTC, datetime, timedelta

from monitoring_factory import make_app, make_check
from rollup_data import add_results
from sqlalchemy import text

from jadugar.services import rollups, uptime

T0 = datetime(2026, 3, 27, 20, 13, tzinfo=UTC)  # Berlin moves to summer time on the 29th
KEPT = {"raw": 1, "1m": 1, "1h": 0, "1d": 0}  # charts of a few days read the hourly rollup
BUCKETS = """
select distinct date_bin(:step, ts, timestamptz '2000-01-01 00:00+00') as t
  from check_rollup_1h where check_id = :c and ts >= :since and ts < :until and ms_count > 0
 order by 1
"""


def _rolled_up(conn, check, until):
    rollups.rebuild(conn, T0, until, kinds=("check",))
    for name in ("check_1m", "check_1h", "check_1d"):
        conn.execute(text("insert into rollup_watermarks values (:n, :t) on conflict (name) "
                          "do update set done_until = excluded.done_until"),
                     {"n": name, "t": rollups.bucket(until, "1h")})


def test_it_gives_bucket_starts_in_the_session_time_zone(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, 4 * 24 * 180)
    until = T0 + timedelta(days=4)
    _rolled_up(conn, check, until)
    conn.execute(text("set local time zone 'Europe/Berlin'"))
    since = rollups.bucket(T0, "1h")
    chart = uptime.response_times(conn, check, since, until, max_points=40, now=until,
                                  keep_days=KEPT)
    step = chart[1]["t"] - chart[0]["t"]
    expected = conn.execute(text(BUCKETS), {"c": check, "step": step, "since": since,
                                            "until": until}).scalars().all()
    assert {t.utcoffset() for t in expected} == {timedelta(hours=1), timedelta(hours=2)}
    assert [str(r["t"]) for r in chart[:len(expected)]] == [str(t) for t in expected]


def test_it_charts_no_bucket_where_the_rollups_hold_no_rows(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, 24 * 180)
    until = T0 + timedelta(days=4)
    _rolled_up(conn, check, until)
    later = T0 + timedelta(days=2)
    assert uptime.response_times(conn, check, later, until, max_points=40, now=until,
                                 keep_days=KEPT) == []
