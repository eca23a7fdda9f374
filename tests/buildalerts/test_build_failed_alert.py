"""A red main build notifies a local Apprise target; the next green build resolves it."""


from jadugar import db
from jadugar.services import notifications


def _send():
    notifications.send_pending(db.transaction)


def test_it_notifies_a_failed_main_build_and_its_fix(api, builds, receiver):
    url, got = receiver
    assert api.post("/notification-targets", json={"name": "hook", "url": url}).status_code \
        == 201
    rule = api.post("/alert-rules", json={"project": "web", "kind": "build_failed",
                                          "branch": "main"})
    assert rule.status_code == 201 and rule.json["project"] == "web"
    builds.finish(60)
    red = builds.finish(61, status="failed", url="https://ci.example.com/run/2")
    [alert] = api.get("/alerts?state=open").json["items"]
    assert (alert["project"], alert["build_id"], alert["state"]) == ("web", red["id"], "firing")
    _send()
    [fired] = got
    assert fired["title"] == "[FIRED] Web: build #2 failed on main"
    assert f"/builds/web/{red['id']}" in fired["message"]
    assert "https://ci.example.com/run/2" in fired["message"]

    builds.finish(62, status="failed")  # still red: the open alert speaks for it
    assert len(api.get("/alerts").json["items"]) == 1
    green = builds.finish(60)
    _send()
    assert [m["title"] for m in got][1:] == ["[RESOLVED] Web: build #2 failed on main"]
    assert f"/builds/web/{green['id']}" in got[-1]["message"]
    assert "fixed: build #4 passed on main" in got[-1]["message"]
    resolved = api.get(f"/alerts/{alert['id']}").json
    assert resolved["state"] == "resolved" and resolved["resolved_by"] == f"build {green['id']}"


def test_it_ignores_other_branches_by_default(api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "build_failed"})
    builds.finish(60, status="failed", branch="feature/x")
    assert api.get("/alerts").json["items"] == []
    builds.finish(60, status="failed")  # main, the project's default branch
    assert len(api.get("/alerts").json["items"]) == 1


def test_it_stays_red_while_any_matching_branch_is_red(api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "build_failed",
                                   "branch": "release/*"})
    builds.finish(60, status="failed", branch="release/1")
    builds.finish(60, status="failed", branch="release/2")
    builds.finish(60, branch="release/1")
    [alert] = api.get("/alerts").json["items"]
    assert alert["state"] == "firing"
    builds.finish(60, branch="release/2")
    assert api.get(f"/alerts/{alert['id']}").json["state"] == "resolved"


def test_it_judges_a_build_that_finishes_by_patch(api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "build_failed"})
    build = api.post("/projects/web/builds", json={"status": "running", "branch": "main"}).json
    assert api.get("/alerts").json["items"] == []
    api.patch(f"/builds/{build['id']}", json={"status": "failed"})
    assert len(api.get("/alerts").json["items"]) == 1


def test_it_keeps_quiet_under_a_silence(api, builds, receiver):
    url, got = receiver
    api.post("/notification-targets", json={"name": "hook", "url": url})
    api.post("/alert-rules", json={"project": "web", "kind": "build_failed"})
    assert api.post("/silences", json={"duration_s": 3600, "reason": "CI migration"}
                    ).status_code == 201
    builds.finish(60, status="failed")
    _send()
    assert len(api.get("/alerts").json["items"]) == 1 and got == []


def test_a_project_silence_quiets_that_project_only(api, builds, receiver):
    url, got = receiver
    api.post("/notification-targets", json={"name": "hook", "url": url})
    api.post("/projects", json={"slug": "api", "name": "API"})
    for slug in ("web", "api"):
        api.post("/alert-rules", json={"project": slug, "kind": "build_failed"})
    r = api.post("/silences", json={"project": "web", "duration_s": 600, "reason": "flaky CI"})
    assert r.status_code == 201 and r.json["project"] == "web"
    builds.finish(60, status="failed")
    api.post("/projects/api/builds", json={"status": "failed", "branch": "main"})
    _send()
    assert [m["title"] for m in got] == ["[FIRED] API: build 2 failed on main"]


def test_it_refuses_a_silence_for_a_project_and_an_application(api, builds):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})
    r = api.post("/silences", json={"project": "web", "application": "shop",
                                    "duration_s": 600, "reason": "x"})
    assert r.status_code == 422 and r.json["error"]["field"] == "project"
