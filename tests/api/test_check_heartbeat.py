import time

from sqlalchemy import text


def _heartbeat_check(api):
    api.post("/applications", json={"slug": "etl", "name": "ETL"})
    return api.post("/applications/etl/checks", json={
        "name": "nightly", "type": "heartbeat", "interval_s": 86400, "grace_s": 600}).json


def test_it_records_pings_with_the_run_duration(api, client):
    check = _heartbeat_check(api)
    path = check["ping_url"].split("localhost", 1)[1]
    assert client.post(path + "/start").status_code == 200  # no token header: URL is enough
    time.sleep(0.2)
    r = client.get(path)
    assert r.status_code == 200 and r.json["duration_s"] >= 0.2
    got = api.get(f"/checks/{check['id']}").json
    assert got["status"] == "up" and got["last_ping_at"]
    r = client.post(path + "/fail", data="disk full")
    assert r.status_code == 200
    latest = api.get(f"/checks/{check['id']}/history").json["items"][0]
    assert latest["status"] == "down" and latest["error"] == "disk full"
    assert client.get("/api/v1/heartbeat/not-a-token").status_code == 404


def test_it_marks_a_silent_job_down(api, engine):
    from jadugar.services import heartbeat

    check = _heartbeat_check(api)
    with engine.begin() as c:
        c.execute(text("update health_checks set created_at = now() - interval '2 days'"))
        assert heartbeat.mark_overdue(c, "test") == [check["id"]]
    got = api.get(f"/checks/{check['id']}").json
    assert got["status"] == "down" and "no ping since" in got["last_error"]


def test_it_lists_collectors_with_their_health(api, engine):
    from jadugar.services import collector_status

    with engine.begin() as c:
        collector_status.report(c, "c1", "paris", checks_per_s=12.5, lag_p50_ms=3,
                                lag_p99_ms=40, spool_size=7)
    [item] = api.get("/collectors").json["items"]
    assert (item["name"], item["location"], item["checks_per_s"], item["lag_p99_ms"],
            item["spool_size"], item["stale"]) == ("c1", "paris", 12.5, 40, 7, False)
