"""Deploy impact: the linked application's checks, the hour after a production deploy
against the hour before. A slower application is flagged; an unchanged one is not."""

from datetime import UTC, datetime, timedelta

import pytest

from collectors.jobs import settle_deploy_impacts
from jadugar import db
from jadugar.services import checks, deploy_impact
from jadugar.services.history import Row, write_results

DEPLOYED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


def _app_with_results(api, after_ms: float, after_down_every: int = 0) -> None:
    """Shop, linked to project web; one result a minute for an hour on each side of
    DEPLOYED: about 100 ms before, about `after_ms` after."""
    assert api.post("/applications", json={"slug": "shop", "name": "Shop",
                                           "projects": ["web"]}).status_code == 201
    with db.transaction() as conn:
        check = checks.create_check(conn, "shop", {"name": "home", "type": "http",
                                                   "target": "http://127.0.0.1:9/",
                                                   "interval_s": 60}).id
        rows = []
        for minute in range(-60, 60):
            after = minute >= 0
            down = after and after_down_every and minute % after_down_every == 0
            ms = (after_ms if after else 100.0) + (minute % 7)
            rows.append(Row(check, DEPLOYED + timedelta(minutes=minute, seconds=1), "local",
                            "down" if down else "up", ms, None, "boom" if down else None))
        write_results(conn, rows)


def _deploy(builds, environment="production", finished=DEPLOYED):
    builds.t = finished - timedelta(minutes=10, seconds=90)
    return builds.finish(90, kind="deploy", environment=environment)


def test_it_flags_a_deploy_after_which_the_application_got_slower(api, builds):
    _app_with_results(api, after_ms=300)
    deploy = _deploy(builds)
    impact = api.get(f"/builds/{deploy['id']}").json["deploy_impact"]
    assert impact["verdict"] == "worse" and impact["applications"] == ["shop"]
    assert impact["changes"] == ["p95 response time 106 → 306 ms"]
    assert impact["before"]["results"] == impact["after"]["results"] == 60


def test_it_does_not_flag_a_deploy_that_changed_nothing(api, builds):
    _app_with_results(api, after_ms=100)
    deploy = _deploy(builds)
    impact = api.get(f"/builds/{deploy['id']}").json["deploy_impact"]
    assert (impact["verdict"], impact["changes"]) == ("unchanged", [])


def test_it_flags_a_rise_in_errors(api, builds):
    _app_with_results(api, after_ms=100, after_down_every=4)  # a quarter of results down
    impact = api.get(f"/builds/{_deploy(builds)['id']}").json["deploy_impact"]
    assert impact["verdict"] == "worse"
    assert impact["changes"] == ["error rate 0.0% → 25.0%"]


def test_it_leaves_non_production_deploys_and_builds_alone(api, builds):
    _app_with_results(api, after_ms=300)
    staging = _deploy(builds, environment="staging")
    assert api.get(f"/builds/{staging['id']}").json["deploy_impact"] is None
    assert builds.finish(60)["deploy_impact"] is None


def test_it_waits_for_the_hour_after(api, builds):
    _app_with_results(api, after_ms=300)
    fresh = _deploy(builds, finished=datetime.now(UTC) - timedelta(minutes=5))
    assert fresh["deploy_impact"]["verdict"] == "pending"


def test_the_collector_stores_the_verdict_and_fires_deploy_regression(api, builds):
    api.post("/alert-rules", json={"project": "web", "kind": "deploy_regression"})
    _app_with_results(api, after_ms=300)
    deploy = _deploy(builds)
    assert api.get("/projects/web/builds").json["items"][0]["deploy_impact"] is None
    settle_deploy_impacts()
    [alert] = api.get("/alerts").json["items"]
    assert (alert["rule_kind"], alert["build_id"]) == ("deploy_regression", deploy["id"])
    assert "made linked applications worse: p95 response time 106 → 306 ms" in alert["title"]
    listed = api.get("/projects/web/builds").json["items"][0]["deploy_impact"]
    assert listed["verdict"] == "worse"
    settle_deploy_impacts()  # settled once: no second look, no second alert
    assert len(api.get("/alerts").json["items"]) == 1


def _side(results, errors, p95):
    return {"results": results, "errors": errors, "error_rate": errors / results,
            "p95_ms": p95}


@pytest.mark.parametrize(("before", "after", "verdict"), [
    (_side(60, 0, 100), _side(60, 0, 300), "worse"),
    (_side(60, 0, 100), _side(60, 0, 120), "unchanged"),  # 1.2×: within the noise
    (_side(60, 0, 4), _side(60, 0, 12), "unchanged"),  # 3×, but only 8 ms
    (_side(60, 0, 300), _side(60, 0, 100), "better"),
    (_side(60, 0, 100), _side(60, 1, 100), "unchanged"),  # one error: not significant
    (_side(200, 0, 100), _side(200, 30, 100), "worse"),
    (_side(60, 20, 100), _side(60, 0, 100), "better"),
    (_side(10, 0, 100), _side(60, 0, 300), "insufficient_data"),
])
def test_it_judges_changes_by_size_and_significance(before, after, verdict):
    assert deploy_impact.compare(before, after)["verdict"] == verdict


def test_the_application_chart_colours_a_deploy_that_made_it_worse(api, builds, conn):
    import plotly.graph_objects as go

    from jadugar.services import applications, uptime
    from jadugar.ui.monitoring_figures import IMPACT_COLOURS, add_deploy_markers

    _app_with_results(api, after_ms=300)
    _deploy(builds)
    builds.finish(60)  # a plain build: no verdict
    settle_deploy_impacts()
    app_id = applications.application_id(conn, "shop")
    deploys = uptime.deploys(conn, app_id, DEPLOYED - timedelta(days=3),
                             datetime.now(UTC) + timedelta(minutes=1))
    assert sorted(str(d["impact"]) for d in deploys) == ["None", "worse"]
    fig = go.Figure()
    add_deploy_markers(fig, deploys, None, y=0)
    [trace] = fig.data
    assert IMPACT_COLOURS["worse"] in trace.marker.color
    assert any("impact: worse" in t for t in trace.text)
