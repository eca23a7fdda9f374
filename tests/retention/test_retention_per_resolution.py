from datetime import UTC, datetime, timedelta

from monitoring_factory import make_app, make_check
from rollup_data import add_results
from sqlalchemy import text

from jadugar import config
from jadugar.services import partitions, rollups

T0 = datetime(2025, 1, 5, tzinfo=UTC)


def _rows(conn, table, check):
    return conn.execute(text(f"select count(*) from {table} where check_id = :c"),
                        {"c": check}).scalar_one()


def _at(conn, now, check):
    days = rollups.retention_days(config.load({}))
    ahead = {name: now for name in rollups.keep_after({})}
    partitions.apply_retention(conn, now, days, ahead)
    return [_rows(conn, t, check) > 0 for t in
            ("history", "check_rollup_1m", "check_rollup_1h", "check_rollup_1d")]


def test_each_resolution_keeps_its_own_retention(no_row_deletes):
    conn = no_row_deletes
    partitions.ensure(conn, T0, days_ahead=3)
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, 2 * 24 * 180)
    rollups.rebuild(conn, T0, T0 + timedelta(days=2))
    assert _at(conn, T0 + timedelta(days=10), check) == [True, True, True, True]
    assert _at(conn, T0 + timedelta(days=20), check) == [False, True, True, True]
    assert _at(conn, T0 + timedelta(days=100), check) == [False, False, True, True]
    assert _at(conn, T0 + timedelta(days=800), check) == [False, False, False, True]
    assert _at(conn, T0 + timedelta(days=8000), check) == [False, False, False, True]


def test_it_never_drops_what_the_next_rollup_has_not_read(conn):
    partitions.ensure(conn, T0, days_ahead=3)
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, 24 * 180)
    days = rollups.retention_days(config.load({}))
    partitions.apply_retention(conn, T0 + timedelta(days=30), days, rollups.keep_after({}))
    assert _rows(conn, "history", check) == 24 * 180
