"""The SLA report read from rollups gives exactly what it gives from raw history: the
same results, down results and incidents, with maintenance windows cut at their edges."""

from datetime import UTC, datetime, timedelta

import pytest
from monitoring_factory import make_app, make_check
from rollup_data import add_results
from sqlalchemy import text

from jadugar.services import reports, rollups

T0 = datetime(2026, 1, 29, 0, 0, 20, tzinfo=UTC)  # four days across a month's end


@pytest.fixture
def shop(conn):
    shop, blog = make_app(conn, "shop"), make_app(conn, "blog")
    checks = [make_check(conn, shop, "api"), make_check(conn, shop, "web"),
              make_check(conn, blog, "home")]
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
    for app, check, starts, ends, every in windows:
        conn.execute(text("""insert into maintenance_windows (title, application_id, check_id,
            starts_at, ends_at, recurrence) values ('w', :a, :c, :s, :e, :r)"""),
            {"a": app, "c": check, "s": starts, "e": ends, "r": every})
    rollups.rebuild(conn, T0, T0 + timedelta(days=4))
    done = T0 + timedelta(days=3, hours=5, minutes=17)  # the rest is raw only
    for name, res in (("check_1m", "1m"), ("check_1h", "1h"), ("check_1d", "1d")):
        conn.execute(text("insert into rollup_watermarks values (:n, :t)"),
                     {"n": name, "t": rollups.bucket(done, res)})
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
