"""A ping may carry the job's exit status (/heartbeat/{token}/{exit_code}) and its log."""

from __future__ import annotations


def _ping_path(api) -> tuple[int, str]:
    api.post("/applications", json={"slug": "etl", "name": "ETL"})
    check = api.post("/applications/etl/checks", json={
        "name": "nightly", "type": "heartbeat", "interval_s": 86400}).json
    return check["id"], check["ping_url"].split("localhost", 1)[1]


def test_exit_status_zero_is_up_and_keeps_the_log(api, client):
    check_id, path = _ping_path(api)
    r = client.post(f"{path}/0", data="backed up 12 tables\n")
    assert r.status_code == 200 and r.json["exit_code"] == 0
    latest = api.get(f"/checks/{check_id}/history").json["items"][0]
    assert latest["status"] == "up"
    assert latest["details"] == {"exit_code": 0, "message": "backed up 12 tables"}


def test_a_non_zero_exit_status_is_down_with_the_end_of_the_log(api, client):
    check_id, path = _ping_path(api)
    log = "line\n" * 5000 + "ERROR: disk full"
    assert client.post(f"{path}/3", data=log).status_code == 200
    latest = api.get(f"/checks/{check_id}/history").json["items"][0]
    assert latest["status"] == "down" and latest["details"]["exit_code"] == 3
    assert latest["details"]["message"].endswith("ERROR: disk full")
    assert len(latest["details"]["message"]) <= 500
    assert latest["error"].startswith("exit status 3: ")


def test_an_exit_status_beyond_255_is_refused(api, client):
    _, path = _ping_path(api)
    r = client.get(f"{path}/256")
    assert r.status_code == 422 and r.json["error"]["field"] == "exit_code"


def test_an_editor_opening_a_heartbeat_sees_its_ping_url_and_a_curl_line(api, client, engine,
                                                                        dash_app):
    from policy_support import add_user, dependencies, post, sign_in

    check_id, path = _ping_path(api)
    add_user(engine, "admin-1", "admin")
    sign_in(client, "admin-1")
    r = post(client, dependencies(client), "set-checks-application.value <- {set-checks-edit}",
             clicked={"set-checks-edit": {"key": str(check_id)}})
    note = str(r.json["response"]["set-checks-message"]["children"])
    assert path in note and "curl -fsS" in note and f'{path}/$?"' in note
