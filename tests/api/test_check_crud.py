import pytest


@pytest.fixture
def app_slug(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    return "shop"


def test_it_creates_a_check_with_its_default_rule(api, app_slug):
    r = api.post("/applications/shop/checks", json={
        "name": "home", "type": "http", "target": "http://127.0.0.1:9/", "interval_s": 30,
        "expect": {"status": "2xx"}})
    assert r.status_code == 201, r.json
    check = r.json
    assert check["timeout_s"] == 10 and check["ping_url"] is None
    rules = api.get(f"/alert-rules?check_id={check['id']}").json["items"]
    assert [(x["kind"], x["threshold"], x["recover_threshold"], x["is_default"])
            for x in rules] == [("consecutive_failures", 3, 2, True)]
    r = api.patch(f"/checks/{check['id']}", json={"interval_s": 60, "enabled": False})
    assert r.json["interval_s"] == 60 and r.json["enabled"] is False
    assert [c["name"] for c in api.get("/applications/shop/checks").json["items"]] == ["home"]
    assert api.delete(f"/checks/{check['id']}").status_code == 204
    assert api.get(f"/checks/{check['id']}").status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"interval_s": 4}, "interval_s"),
    ({"interval_s": "often"}, "interval_s"),
    ({"type": "gopher"}, "type"),  # no such type
    ({"target": "not a url"}, "target"),
    ({"type": "tcp", "target": "localhost"}, "target"),
    ({"type": "postgres", "target": "localhost:5432"}, "target"),
    ({"expect": {"status": "two hundred"}}, "expect.status"),
    ({"timeout_s": 60}, "timeout_s"),
    ({"retries": 11}, "retries"),
    ({"depends_on": 999999}, "depends_on"),
    ({"colour": "red"}, "colour"),
])
def test_it_rejects_a_bad_check_naming_the_field(api, app_slug, body, field):
    good = {"name": "c", "type": "http", "target": "http://example.com", "interval_s": 30}
    r = api.post("/applications/shop/checks", json={**good, **body})
    assert 400 <= r.status_code < 500 and r.json["error"]["field"] == field, r.json


def test_it_gives_a_heartbeat_check_a_ping_url(api, app_slug):
    r = api.post("/applications/shop/checks", json={"name": "cron", "type": "heartbeat",
                                                    "interval_s": 3600, "grace_s": 300})
    assert r.status_code == 201
    assert r.json["ping_url"].startswith("http://localhost/api/v1/heartbeat/")
    rules = api.get(f"/alert-rules?check_id={r.json['id']}").json["items"]
    assert rules[0]["kind"] == "heartbeat_missed"


def test_it_returns_history_newest_first_and_as_csv(api, app_slug, engine):
    from datetime import UTC, datetime, timedelta

    from jadugar.services.history import Row, write_results

    check = api.post("/applications/shop/checks", json={
        "name": "c", "type": "tcp", "target": "127.0.0.1:9", "interval_s": 10}).json
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [Row(check["id"], t0 + timedelta(seconds=10 * i), "local",
                "up" if i % 3 else "down", 12.5, None, None if i % 3 else "=boom", None, "t")
            for i in range(6)]
    with engine.begin() as c:
        write_results(c, rows)
    items = api.get(f"/checks/{check['id']}/history?limit=3").json["items"]
    assert [i["ts"] for i in items] == ["2026-01-01T00:00:50Z", "2026-01-01T00:00:40Z",
                                        "2026-01-01T00:00:30Z"]
    items = api.get(f"/checks/{check['id']}/history?since=2026-01-01T00:00:05Z"
                    "&until=2026-01-01T00:00:25Z").json["items"]
    assert len(items) == 2
    csv = api.get(f"/checks/{check['id']}/history.csv").get_data(as_text=True)
    lines = csv.strip().splitlines()
    assert lines[0].startswith("ts,location,status") and len(lines) == 7
    assert "'=boom" in csv
    assert api.get("/checks/424242/history").status_code == 404


def test_it_hides_check_secrets_from_readers_below_admin(api, app_slug, client, make_token):
    secret = {"name": "db", "type": "http", "target": "https://bot:hunter2@shop.example/h",
              "interval_s": 30, "options": {"headers": {"Authorization": "Bearer s3cr3t",
                                                        "Accept": "text/plain"},
                                            "body": "password=hunter2"}}
    check = api.post("/applications/shop/checks", json=secret).json
    assert check["target"] == "https://bot:***@shop.example/h"  # admins too: see test_secrets_*
    beat = api.post("/applications/shop/checks", json={
        "name": "cron", "type": "heartbeat", "interval_s": 3600}).json
    for scope in ("read", "ingest"):
        headers = {"Authorization": f"Bearer {make_token(scope)}"}
        seen = client.get(f"/api/v1/checks/{check['id']}", headers=headers).json
        assert seen["target"] == "https://bot:***@shop.example/h"
        assert seen["options"]["headers"] == {"Authorization": "***", "Accept": "text/plain"}
        assert seen["options"]["body"] == "***"
        listed = client.get("/api/v1/applications/shop/checks", headers=headers).json["items"]
        assert "hunter2" not in str(listed) and "s3cr3t" not in str(listed)
        assert client.get(f"/api/v1/checks/{beat['id']}",
                          headers=headers).json["ping_url"] == "***"
