"""Issue 12, finding 10: uptime weighs time, not results. A 1-minute check that was up and a
1-hour check that was down for the same hour make an application 50 % up, not 60 of 61
(98 %) as on the main of 2026-12-01."""

from datetime import timedelta

from monitoring_factory import add_history, make_app, make_check
from sqlalchemy import text

from jadugar.services import monitoring, status_pages
from jadugar.timeutil import utcnow


def _app_with_two_checks(conn):
    app = make_app(conn, "shop")
    fast = make_check(conn, app, name="fast")
    slow = make_check(conn, app, name="slow")
    conn.execute(text("update health_checks set interval_s = 3600 where id = :id"),
                 {"id": slow})
    start = utcnow() - timedelta(hours=2)
    add_history(conn, fast, start, "u" * 60)  # every minute of the hour: up
    add_history(conn, slow, start, "x")  # the one hourly run: down
    return app


def test_the_overview_weighs_each_result_by_its_check_interval(conn):
    _app_with_two_checks(conn)
    row = monitoring.overview(conn)["items"][0]
    assert abs(row["uptime_24h"] - 0.5) < 1e-9, row["uptime_24h"]


def test_the_status_page_weighs_time_too(conn):
    _app_with_two_checks(conn)
    status_pages.save_page(conn, "public", "Acme", None, ["shop"])
    app = status_pages.public_view(conn, "public")["applications"][0]
    assert abs(app["uptime"] - 0.5) < 1e-9, app["uptime"]
