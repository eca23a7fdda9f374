"""deploy_failed, build_duration_anomaly and success_rate_below, judged as builds finish."""


def _open(api):
    return [(a["rule_kind"], a["state"]) for a in api.get("/alerts").json["items"]]


def test_it_fires_deploy_failed_for_production_only(api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "deploy_failed"})
    builds.finish(30, status="failed", kind="deploy", environment="staging")
    assert _open(api) == []
    builds.finish(30, status="failed", kind="deploy", environment="Production")
    assert _open(api) == [("deploy_failed", "firing")]
    builds.finish(30, kind="deploy", environment="staging")
    assert _open(api) == [("deploy_failed", "firing")]
    builds.finish(30, kind="deploy", environment="production")
    assert _open(api) == [("deploy_failed", "resolved")]


def test_it_watches_the_environment_a_rule_names(api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "deploy_failed",
                                   "environment": "stag*"})
    builds.finish(30, status="failed", kind="deploy", environment="production")
    assert _open(api) == []
    builds.finish(30, status="failed", kind="deploy", environment="staging")
    assert _open(api) == [("deploy_failed", "firing")]


def test_it_fires_on_an_abnormally_long_build_and_resolves_on_a_usual_one(api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "build_duration_anomaly"})
    for seconds in [60, 61, 59, 60, 62, 58, 60, 61, 59, 60]:
        builds.finish(seconds)
    assert _open(api) == []
    slow = builds.finish(300)
    [alert] = api.get("/alerts").json["items"]
    assert alert["build_id"] == slow["id"]
    assert "took 5 min, abnormally long (usually 60 s" in alert["title"]
    builds.finish(61)
    assert _open(api) == [("build_duration_anomaly", "resolved")]


def test_it_fires_when_the_success_rate_drops_below_the_threshold(api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "success_rate_below",
                                   "threshold": 75, "params": {"min_builds": 4}})
    for status in ("success", "success", "failed"):
        builds.finish(60, status=status)
    assert _open(api) == []  # three builds: too few to judge
    builds.finish(60, status="failed")  # 2 of 4
    [alert] = api.get("/alerts").json["items"]
    assert "success rate 50.0% over 4 builds" in alert["title"]
    for _ in range(4):
        builds.finish(60)  # 6 of 8
    assert _open(api) == [("success_rate_below", "resolved")]
