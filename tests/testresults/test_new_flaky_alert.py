"""The `new_flaky_test` alert rule (issue 14): a report that shows a test flaky for the first
time lately (passed and failed on one commit) fires an alert that notifies; a test that
always fails does not; a test already known flaky does not fire again."""

from junit_support import report
from sqlalchemy import text


def _alerts(ci):
    return ci.api.get("/alerts").json["items"]


def _rule(ci, **more):
    r = ci.api.post("/alert-rules", json={"project": "web", "kind": "new_flaky_test", **more})
    assert r.status_code == 201, r.json
    return r.json


def test_it_fires_when_a_rerun_of_the_same_commit_flips_a_test(ci, engine):
    ci.api.post("/notification-targets", json={"name": "hook", "url": "json://127.0.0.1:9/x"})
    _rule(ci)
    first, rerun = ci.build(sha="c1"), ci.build(sha="c1")
    ci.post(first, report("steady", "wobbly:failed", "broken:failed"))
    assert _alerts(ci) == []  # one run says nothing yet
    ci.post(rerun, report("steady", "wobbly", "broken:failed"))
    [alert] = _alerts(ci)
    assert alert["state"] == "firing" and alert["build_id"] == rerun
    assert alert["title"] == f"Web: new flaky test on build {rerun} (main): suite › wobbly"
    assert f"/builds/web/{rerun}" in alert["message"]
    with engine.connect() as c:
        assert c.execute(text("select count(*) from notifications")).scalar() == 1


def test_an_always_failing_test_is_not_news(ci):
    _rule(ci)
    a, b = ci.build(sha="c1"), ci.build(sha="c1")
    ci.post(a, report("broken:failed"))
    ci.post(b, report("broken:failed"))
    assert _alerts(ci) == []


def test_a_test_known_flaky_lately_does_not_fire_again(ci):
    _rule(ci)
    for sha in ("c1", "c2"):
        a, b = ci.build(sha=sha), ci.build(sha=sha)
        ci.post(a, report("wobbly:failed"))
        ci.post(b, report("wobbly"))
    [alert] = _alerts(ci)
    assert "wobbly" in alert["title"]


def test_a_newer_finding_supersedes_the_open_alert(ci):
    _rule(ci)
    for name in ("one", "two"):
        a, b = ci.build(sha=f"sha-{name}"), ci.build(sha=f"sha-{name}")
        ci.post(a, report(f"{name}:failed"))
        ci.post(b, report(name))
    newer, older = _alerts(ci)
    assert (newer["state"], older["state"]) == ("firing", "resolved")
    assert "suite › two" in newer["title"] and "superseded" in older["message"]


def test_the_branch_glob_narrows_the_rule(ci):
    _rule(ci, branch="main")
    a = ci.build(sha="c9", branch="feature/x")
    b = ci.build(sha="c9", branch="feature/x")
    ci.post(a, report("wobbly:failed"))
    ci.post(b, report("wobbly"))
    assert _alerts(ci) == []
