from datetime import UTC, datetime, timedelta

from monitoring_factory import add_history, make_app, make_check
from sqlalchemy import text

from jadugar.services import partitions

T = datetime(2026, 1, 20, 15, 30, tzinfo=UTC)


def _days(conn, table):
    return [p.lower for p in partitions.list_partitions(conn, table) if not p.is_default]


def test_it_creates_daily_partitions_from_yesterday_to_a_week_ahead(conn):
    created = partitions.ensure(conn, T, days_ahead=7, tables=["history", "metrics"])
    assert "history_p20260119" in created and "metrics_p20260127" in created
    days = _days(conn, "history")
    for d in range(-1, 8):
        assert datetime(2026, 1, 20, tzinfo=UTC) + timedelta(days=d) in days
    assert partitions.ensure(conn, T, days_ahead=7, tables=["history", "metrics"]) == []


def test_it_bounds_each_partition_by_one_utc_day(conn):
    partitions.ensure(conn, T, days_ahead=0, tables=["history"])
    [p] = [p for p in partitions.list_partitions(conn, "history")
           if p.name == "history_p20260120"]
    assert (p.lower, p.upper) == (datetime(2026, 1, 20, tzinfo=UTC),
                                  datetime(2026, 1, 21, tzinfo=UTC))


def test_it_never_fails_an_insert_for_want_of_a_partition(conn):
    check = make_check(conn, make_app(conn, "shop"))
    far = datetime(2031, 5, 5, tzinfo=UTC)
    add_history(conn, check, far, "uu")
    in_default = conn.execute(text("select count(*) from history_default")).scalar_one()
    assert in_default == 2


def test_it_moves_rows_waiting_in_the_default_partition_into_their_own(conn):
    check = make_check(conn, make_app(conn, "shop"))
    far = datetime(2031, 5, 5, 23, 59, tzinfo=UTC)
    add_history(conn, check, far, "uux")  # 23:59, 00:00 and 00:01 of the next day
    created = partitions.ensure(conn, T, days_ahead=0, tables=["history"])
    assert {"history_p20310505", "history_p20310506"} <= set(created)
    assert conn.execute(text("select count(*) from history_default")).scalar_one() == 0
    assert conn.execute(text("select count(*) from history_p20310506")).scalar_one() == 2
    assert conn.execute(text("select count(*) from history where check_id = :c"),
                        {"c": check}).scalar_one() == 3


def test_it_partitions_the_rollup_tables_by_month_and_year():
    assert partitions.floor(T, "month") == datetime(2026, 1, 1, tzinfo=UTC)
    assert partitions.following(datetime(2026, 12, 1, tzinfo=UTC), "month") == datetime(
        2027, 1, 1, tzinfo=UTC)
    assert partitions.following(datetime(2026, 1, 1, tzinfo=UTC), "year") == datetime(
        2027, 1, 1, tzinfo=UTC)
