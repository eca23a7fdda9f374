"""A CI webhook is a writer like the API: its finished builds are judged the same way."""


def _deliver(api, run_id, status):
    r = api.post("/webhooks/generic", json={"repository": "team/app", "run_id": run_id,
                                            "status": status, "branch": "main"})
    assert r.status_code in (200, 201), r.json
    return r.json["build"]


def test_it_fires_and_resolves_build_failed_from_webhook_deliveries(api):
    _deliver(api, 1, "running")  # files the project `app` on first sight
    rule = api.post("/alert-rules", json={"project": "app", "kind": "build_failed"})
    assert rule.status_code == 201, rule.json
    _deliver(api, 1, "FAILURE")
    [alert] = api.get("/alerts").json["items"]
    assert (alert["project"], alert["state"]) == ("app", "firing")
    _deliver(api, 1, "FAILURE")  # a redelivery changes nothing
    assert len(api.get("/alerts").json["items"]) == 1
    _deliver(api, 2, "SUCCESS")
    assert api.get(f"/alerts/{alert['id']}").json["state"] == "resolved"
