from datetime import UTC, datetime, timedelta

from monitoring_factory import add_history, make_app, make_check
from sqlalchemy import text

from jadugar.services import reports

JAN = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)


def test_it_reports_uptime_and_incidents_per_month(conn):
    check = make_check(conn, make_app(conn, "shop"))
    # 60 results in January (2 down in one incident), 60 in February (all up)
    add_history(conn, check, JAN, "u" * 10 + "xx" + "u" * 48 + "u" * 60)
    rows = reports.sla(conn, JAN - timedelta(days=1), JAN + timedelta(days=2))
    assert [(r["period"].month, r["results"], r["incidents"]) for r in rows] == [
        (1, 60, 1), (2, 60, 0)]
    assert rows[0]["uptime"] == 58 / 60


def test_it_leaves_maintenance_windows_out(conn):
    app = make_app(conn, "shop")
    add_history(conn, make_check(conn, app), JAN, "u" * 10 + "xx" + "u" * 8)
    conn.execute(text("""insert into maintenance_windows (title, application_id, starts_at,
        ends_at) values ('upgrade', :a, :s, :e)"""),
        {"a": app, "s": JAN + timedelta(minutes=10), "e": JAN + timedelta(minutes=12)})
    [row] = reports.sla(conn, JAN, JAN + timedelta(hours=1), period="range")
    assert (row["results"], row["down_results"], row["incidents"], row["uptime"]) == (
        18, 0, 0, 1.0)


def test_it_expands_daily_recurring_windows(conn):
    app = make_app(conn, "shop")
    add_history(conn, make_check(conn, app), JAN, "xxxx" + "u" * 16)
    conn.execute(text("""insert into maintenance_windows (title, application_id, starts_at,
        ends_at, recurrence) values ('nightly', :a, :s, :e, 'daily')"""),
        {"a": app, "s": JAN - timedelta(days=30), "e": JAN - timedelta(days=30, minutes=-4)})
    [row] = reports.sla(conn, JAN, JAN + timedelta(hours=1), period="range")
    assert row["results"] == 16 and row["uptime"] == 1.0


def test_uptime_weighs_each_check_by_the_time_it_covers(conn):
    """Issue 12, finding 10: a minutely check that was up 60 times and an hourly check down
    once covered an hour each: the application was up half the time, not 60 of 61 results."""
    app = make_app(conn, "shop")
    minutely, hourly = make_check(conn, app, "fast"), make_check(conn, app, "slow")
    conn.execute(text("update health_checks set interval_s = 3600 where id = :c"),
                 {"c": hourly})
    add_history(conn, minutely, JAN, "u" * 60)
    add_history(conn, hourly, JAN, "x")
    [row] = reports.sla(conn, JAN, JAN + timedelta(hours=1), period="range",
                        use_rollups=False)
    assert (row["results"], row["down_results"]) == (61, 1)
    assert row["uptime"] == 0.5
