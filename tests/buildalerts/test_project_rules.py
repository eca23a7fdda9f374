"""Alert rules on projects: what the API accepts and refuses, field by field."""

import pytest


@pytest.fixture
def project(api):
    api.post("/projects", json={"slug": "web", "name": "Web"})
    api.post("/applications", json={"slug": "shop", "name": "Shop"})


@pytest.mark.parametrize("body", [
    {"kind": "build_failed", "branch": "main"},
    {"kind": "build_duration_anomaly", "branch": "release/*"},
    {"kind": "deploy_failed", "environment": "staging"},
    {"kind": "success_rate_below", "threshold": 80, "window_s": 86400,
     "params": {"min_builds": 3}},
    {"kind": "deploy_regression"},
])
def test_it_creates_each_project_kind(api, project, body):
    r = api.post("/alert-rules", json={"project": "web", **body})
    assert r.status_code == 201, r.json
    assert (r.json["project"], r.json["kind"], r.json["application"]) == \
        ("web", body["kind"], None)
    assert r.json in api.get("/alert-rules?project=web").json["items"]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "build_failed"}, "project"),
    ({"kind": "build_failed", "project": "nope"}, "slug"),
    ({"kind": "build_failed", "project": "web", "application": "shop"}, "project"),
    ({"kind": "consecutive_failures", "project": "web"}, "project"),
    ({"kind": "metric_threshold", "application": "shop", "threshold": 1,
      "params": {"metric": "m"}, "branch": "main"}, "branch"),
    ({"kind": "success_rate_below", "project": "web"}, "threshold"),
    ({"kind": "build_failed", "project": "web", "branch": ""}, "branch"),
    ({"kind": "deploy_failed", "project": "web", "environment": 7}, "environment"),
    ({"kind": "success_rate_below", "project": "web", "threshold": 80,
      "params": {"min_builds": 0}}, "params.min_builds"),
])
def test_it_refuses_a_bad_project_rule_naming_the_field(api, project, body, field):
    r = api.post("/alert-rules", json=body)
    assert r.status_code in (404, 422) and r.json["error"]["field"] == field, r.json
    assert api.get("/alert-rules").json["items"] == []


def test_it_changes_a_project_rule_branch(api, project):
    rule = api.post("/alert-rules", json={"project": "web", "kind": "build_failed"}).json
    r = api.patch(f"/alert-rules/{rule['id']}", json={"branch": "develop"})
    assert r.status_code == 200 and r.json["branch"] == "develop"
