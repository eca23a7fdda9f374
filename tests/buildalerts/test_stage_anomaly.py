"""Stage durations are judged like builds: against the same-named stage of the branch's
recent successful builds. Builds and stages arrive through the generic CI webhook."""

from datetime import UTC, datetime, timedelta


def _run(api, n, test_s, status="success"):
    start = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=n)
    at = start + timedelta(seconds=10)
    stages = [
        {"id": "checkout", "name": "Checkout", "status": "success",
         "started_at": start.isoformat(), "finished_at": at.isoformat()},
        {"id": "test", "name": "Test", "status": status, "started_at": at.isoformat(),
         "finished_at": (at + timedelta(seconds=test_s)).isoformat()}]
    r = api.post("/webhooks/generic", json={
        "repository": "team/app", "run_id": n, "number": n, "status": status,
        "branch": "main", "started_at": start.isoformat(),
        "finished_at": (at + timedelta(seconds=test_s)).isoformat(), "stages": stages})
    assert r.status_code == 201, r.json
    return api.get(f"/builds/{r.json['build']['id']}").json


def test_it_flags_the_slow_stage_and_not_the_usual_one(api):
    for n, seconds in enumerate([50, 52, 49, 51, 50, 53, 48, 50, 51, 49, 50, 52]):
        _run(api, n, seconds)
    build = _run(api, 99, 200)
    verdicts = {s["name"]: s["duration_anomaly"] for s in build["stages"]}
    assert verdicts["Checkout"]["anomalous"] is False
    assert verdicts["Test"]["anomalous"] is True and verdicts["Test"]["baseline_s"] == 50
    assert build["duration_anomaly"]["anomalous"] is True


def test_it_gives_no_stage_verdict_without_history(api):
    build = _run(api, 1, 50)
    assert [s["duration_anomaly"] for s in build["stages"]] == [None, None]


def test_the_build_page_lists_and_outlines_the_slow_stage(api):
    """Issue 14: "the same goes for stage durations": the build page lists an abnormally
    long stage in a banner and outlines its bar in the stage chart."""
    from jadugar.ui.build_banners import banners
    from jadugar.ui.build_figures import gantt_figure

    for n, seconds in enumerate([50, 52, 49, 51, 50, 53, 48, 50, 51, 49, 50, 52]):
        _run(api, n, seconds)
    build = _run(api, 99, 200)
    listed = [b for b in banners(build) if b.id == "builds-detail-stage-anomaly"]
    assert [b.children for b in listed] == [
        "Abnormally long stages: Test took 3 min (usually 50 s). They are outlined in "
        "red below."]
    bars = {t.y[0]: t for t in gantt_figure(build["stages"]).data}
    assert bars["Test"].marker.line.color == "#d62728"
    assert bars["Checkout"].marker.line.color is None
