from datetime import UTC, datetime, timedelta

from monitoring_factory import add_history, make_app, make_check
from sqlalchemy import text

from jadugar.services import monitoring, uptime

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_it_rolls_history_up_per_hour_on_insert(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_history(conn, check, T0, "uuxd" + "u" * 60)
    rows = conn.execute(text("select hour, total, up, down, degraded from history_hourly "
                             "where check_id = :c order by hour"), {"c": check}).all()
    assert [(r.total, r.up, r.down, r.degraded) for r in rows] == [(60, 58, 1, 1), (4, 4, 0, 0)]


def test_it_summarises_percentiles_per_bucket_under_the_point_budget(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_history(conn, check, T0, "u" * 600)
    rows = uptime.response_times(conn, check, T0, T0 + timedelta(hours=10), max_points=20)
    assert len(rows) <= 20
    assert rows[0]["max"] >= rows[0]["p95"] >= rows[0]["p50"] >= rows[0]["min"]
    assert sum(r["count"] for r in rows) == 600


def test_it_tiles_status_bands_over_time(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_history(conn, check, T0, "uuuxxdu")
    bands = uptime.status_bands(conn, check, T0, T0 + timedelta(hours=1))
    assert [b["status"] for b in bands] == ["up", "down", "degraded", "up"]
    assert bands[0]["end"] == bands[1]["start"]


def test_it_finds_incidents_with_their_duration_and_alert(conn):
    app = make_app(conn, "shop")
    check = make_check(conn, app)
    add_history(conn, check, T0, "uuxxxuuxu")
    conn.execute(text("insert into alerts (check_id, application_id, title, fired_at) "
                      "values (:c, :a, 'shop is down', :t)"),
                 {"c": check, "a": app, "t": T0 + timedelta(minutes=3)})
    found = uptime.incidents(conn, check, T0, T0 + timedelta(hours=1), now=T0)
    assert [(i["duration_s"], i["alert_title"]) for i in found] == [
        (60.0, None), (180.0, "shop is down")]


def test_it_counts_an_ongoing_incident_until_now(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_history(conn, check, T0, "uxx")
    found = uptime.incidents(conn, check, T0, T0 + timedelta(hours=1),
                             now=T0 + timedelta(minutes=11))
    assert found[0]["ended_at"] is None and found[0]["duration_s"] == 600


def test_it_computes_the_overview_in_one_query_with_uptime_and_bars(conn):
    now = T0 + timedelta(hours=2)
    a = make_app(conn, "alpha", tags=["web"])
    make_app(conn, "beta", tags=["api"], env="staging", status="down")
    add_history(conn, make_check(conn, a), T0, "u" * 99 + "x")
    page = monitoring.overview(conn, now=now, bar="hour", bars=90)
    first, second = page["items"]
    assert (first["slug"], second["slug"]) == ("beta", "alpha")  # worst status first
    assert second["uptime_24h"] == 0.99 and len(second["bars"]) == 90
    assert second["bars"][-2]["status"] == "down" and second["bars"][0]["status"] == "unknown"
    assert monitoring.overview(conn, now=now, tag="web")["total"] == 1
    assert monitoring.overview(conn, now=now, env="staging")["items"][0]["slug"] == "beta"
    assert monitoring.overview(conn, now=now, q="alp", page_size=1)["pages"] == 1
