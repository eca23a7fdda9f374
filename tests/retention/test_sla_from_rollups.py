"""The SLA report read from rollups gives exactly what it gives from raw history: the
same results, down results and incidents, with maintenance windows cut at their edges."""

from datetime import UTC, datetime, timedelta

import pytest
from monitoring_factory import make_app, make_check
from rollup_data import add_results
from sqlalchemy import text

from jadugar.services import partitions, reports, rollups

T0 = datetime(2026, 1, 29, 0, 0, 20, tzinfo=UTC)  # four days across a month's end


def three_checks(conn) -> tuple[int, int, list[int]]:
    """Applications shop (checks api, web) and blog (check home)."""
    shop, blog = make_app(conn, "shop"), make_app(conn, "blog")
    return shop, blog, [make_check(conn, shop, "api"), make_check(conn, shop, "web"),
                        make_check(conn, blog, "home")]


def add_windows(conn, windows: list[tuple]) -> None:
    """Maintenance windows: (application, check, starts, ends, recurrence) each."""
    for app, check, starts, ends, every in windows:
        conn.execute(text("""insert into maintenance_windows (title, application_id, check_id,
            starts_at, ends_at, recurrence) values ('w', :a, :c, :s, :e, :r)"""),
            {"a": app, "c": check, "s": starts, "e": ends, "r": every})


def rolled_up_until(conn, done: datetime, resolutions: tuple[str, ...]) -> None:
    """Watermarks as if each rollup had run up to `done` (the rest is raw only)."""
    for res in resolutions:
        conn.execute(text("insert into rollup_watermarks values (:n, :t)"),
                     {"n": f"check_{res}", "t": rollups.bucket(done, res)})


@pytest.fixture
def shop(conn):
    shop, blog, checks = three_checks(conn)
    for i, check in enumerate(checks):
        add_results(conn, check, T0 + timedelta(seconds=7 * i), 4 * 24 * 180)
    windows = [  # (application, check, starts, ends, recurrence)
        (shop, None, T0 + timedelta(hours=5, minutes=13), T0 + timedelta(hours=7, minutes=2),
         "none"),
        (None, checks[2], T0 + timedelta(days=1, hours=23, minutes=50),
         T0 + timedelta(days=2, minutes=20), "none"),
        (blog, None, T0 - timedelta(days=9, minutes=-33), T0 - timedelta(days=9, minutes=-41),
         "daily"),
    ]
    add_windows(conn, windows)
    rollups.rebuild(conn, T0, T0 + timedelta(days=4))
    rolled_up_until(conn, T0 + timedelta(days=3, hours=5, minutes=17), ("1m", "1h", "1d"))
    return conn


@pytest.mark.parametrize(("start", "span", "period"), [
    (timedelta(0), timedelta(days=4), "month"),
    (timedelta(hours=3, minutes=31), timedelta(days=3, hours=2, minutes=3), "month"),
    (timedelta(hours=3, minutes=31), timedelta(days=3, hours=2, minutes=3), "range"),
    (timedelta(days=1, hours=23), timedelta(hours=2), "range"),
])
def test_it_reports_from_rollups_exactly_as_from_raw(shop, start, span, period):
    since = T0 + start
    raw = reports.sla(shop, since, since + span, period, use_rollups=False)
    rolled = reports.sla(shop, since, since + span, period)
    assert len(raw) >= 2
    assert rolled == raw


def test_it_reports_one_application(shop):
    raw = reports.sla(shop, T0, T0 + timedelta(days=4), "range", "blog", use_rollups=False)
    assert reports.sla(shop, T0, T0 + timedelta(days=4), "range", "blog") == raw


# Months: a check every 10 minutes from mid-January to mid-May, runs of 'down' that cross
# days and the ends of months, maintenance in March only.
M0 = datetime(2026, 1, 17, 13, 4, tzinfo=UTC)
MONTHS_DATA = """
insert into history (check_id, ts, status, response_ms)
select :c, :t0 + i * interval '10 minutes',
       case when i % 997 between 900 and 940 or i % 389 = 11 then 'down' else 'up' end,
       20 + i % 300
  from generate_series(0, 117 * 144) i
"""


@pytest.fixture
def months(conn):
    shop, _, checks = three_checks(conn)
    for i, check in enumerate(checks):
        conn.execute(text(MONTHS_DATA), {"c": check, "t0": M0 + timedelta(minutes=3 * i)})
    # A run of 'down' from the last evening of February into March, on one check.
    conn.execute(text("""update history set status = 'down' where check_id = :c
        and ts >= '2026-02-28 20:00+00' and ts < '2026-03-01 03:00+00'"""), {"c": checks[0]})
    conn.execute(text("""insert into maintenance_windows (title, application_id, starts_at,
        ends_at, recurrence) values ('w', :a, '2026-03-10 22:13+00', '2026-03-11 01:02+00',
        'none')"""), {"a": shop})
    rollups.rebuild(conn, M0, datetime(2026, 5, 14, tzinfo=UTC))
    rolled_up_until(conn, datetime(2026, 5, 12, 7, 31, tzinfo=UTC), ("1m", "1h", "1d", "1mo"))
    return conn


@pytest.mark.parametrize(("since", "until", "period"), [
    (M0, datetime(2026, 5, 14, tzinfo=UTC), "month"),
    (M0, datetime(2026, 5, 14, tzinfo=UTC), "range"),
    (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC), "month"),
    (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC), "range"),
    (datetime(2026, 2, 27, 5, tzinfo=UTC), datetime(2026, 4, 2, 1, tzinfo=UTC), "range"),
])
def test_whole_months_come_from_the_monthly_rollup_exactly_as_from_raw(months, since,
                                                                     until, period):
    raw = reports.sla(months, since, until, period, use_rollups=False)
    rolled = reports.sla(months, since, until, period)
    assert len(raw) >= 2
    assert rolled == raw


def test_the_monthly_rollup_joins_a_run_of_down_across_the_end_of_a_month(months):
    rows = months.execute(text("""select ts, down_runs, first_down, last_down
        from check_rollup_1mo where check_id = (select min(id) from health_checks)
         and ts in ('2026-02-01 00:00+00', '2026-03-01 00:00+00') order by ts""")).all()
    assert [r.last_down for r in rows] == [True, False]
    assert rows[1].first_down


def test_the_monthly_rollup_runs_once_its_month_is_closed_in_the_daily_rollup(conn):
    check = make_check(conn, make_app(conn, "shop"))
    conn.execute(text(MONTHS_DATA), {"c": check, "t0": M0})
    now = datetime(2026, 3, 2, 5, tzinfo=UTC)
    conn.execute(text("delete from history where ts >= :n"), {"n": now})
    while rollups.run(conn, now):
        pass
    marks = rollups.watermarks(conn)
    assert marks["check_1mo"] == datetime(2026, 3, 1, tzinfo=UTC)
    got = conn.execute(text("""select ts, total from check_rollup_1mo where check_id = :c
        order by ts"""), {"c": check}).all()
    raw = conn.execute(text("""select date_trunc('month', ts, 'UTC'), count(*) from history
        where check_id = :c and ts < '2026-03-01 00:00+00' group by 1 order by 1"""),
        {"c": check}).all()
    assert [tuple(r) for r in got] == [tuple(r) for r in raw]


def test_months_and_days_stay_utc_whatever_the_sessions_time_zone(months):
    # Interval arithmetic follows the session's time zone: in Berlin a day after the end of
    # March is 23 hours, and the days of a month would no longer meet the daily rollup.
    since, until = datetime(2026, 2, 27, 5, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)
    raw = reports.sla(months, since, until, "month", use_rollups=False)
    months.execute(text("set local timezone = 'Europe/Berlin'"))
    assert reports.sla(months, since, until, "month") == raw


# Retention: six days of results every 20 s, a nightly window and a one-off on whole
# minutes, then the raw partitions of the first four days dropped as retention drops them.
R0 = datetime(2026, 3, 2, 0, 0, 0, tzinfo=UTC)


@pytest.fixture
def aged(conn):
    shop, blog, checks = three_checks(conn)
    for i, check in enumerate(checks):
        add_results(conn, check, R0 + timedelta(seconds=7 * i), 6 * 24 * 180)
    add_windows(conn, [
        (shop, None, R0 + timedelta(hours=2, minutes=7), R0 + timedelta(hours=2, minutes=27),
         "daily"),
        (None, checks[2], R0 + timedelta(days=1, hours=23, minutes=50),
         R0 + timedelta(days=2, minutes=20), "none")])
    rollups.rebuild(conn, R0, R0 + timedelta(days=6))
    rolled_up_until(conn, R0 + timedelta(days=5, hours=5, minutes=17), ("1m", "1h", "1d"))
    return conn


RANGES = [(timedelta(0), timedelta(days=6), "month"),
          (timedelta(hours=3, minutes=31), timedelta(days=5, hours=2, minutes=3), "range"),
          (timedelta(days=1, hours=22, minutes=1), timedelta(hours=3), "range")]


def test_edge_hours_come_from_the_minute_rollup_once_raw_rows_are_dropped(aged):
    raw = {r: reports.sla(aged, R0 + r[0], R0 + r[0] + r[1], r[2], use_rollups=False)
           for r in RANGES}
    dropped = partitions.drop_older_than(aged, "history", R0 + timedelta(days=4))
    assert len(dropped) == 4
    assert partitions.kept_from(aged, "history") == R0 + timedelta(days=4)
    for (start, span, period), expected in raw.items():
        assert len(expected) >= 2
        assert reports.sla(aged, R0 + start, R0 + start + span, period) == expected


def test_edge_hours_older_than_every_fine_resolution_are_left_out(aged):
    partitions.drop_older_than(aged, "history", R0 + timedelta(days=4))
    partitions.drop_older_than(aged, "check_rollup_1m", R0 + timedelta(days=4))
    until = R0 + timedelta(days=4)
    rows = reports.sla(aged, R0, until, "range", "shop")
    # Each day's 02:00 hour is the nightly window's edge: gone with the minute rows.
    hourly = aged.execute(text("""select sum(total) from check_rollup_1h h
        join health_checks c on c.id = h.check_id join applications a on a.id = c.application_id
        where a.slug = 'shop' and h.ts >= :s and h.ts < :u and extract(hour from h.ts) <> 2"""),
        {"s": R0, "u": until}).scalar_one()
    assert rows[0]["results"] == hourly
