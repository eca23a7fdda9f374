"""The build page warns of an abnormally long build (docs/build-alerts.md)."""

from datetime import UTC, datetime, timedelta

import pytest

from jadugar.services import builds, projects

pytestmark = pytest.mark.browser


@pytest.fixture
def slow_build(engine):
    """Project `web`: ten builds near 60 s on main, then one of 300 s."""
    t = datetime.now(UTC) - timedelta(days=1)
    with engine.begin() as c:
        projects.create_project(c, {"slug": "web", "name": "Web"})
        for n, seconds in enumerate([60, 61, 59, 60, 62, 58, 60, 61, 59, 60, 300]):
            t += timedelta(minutes=10)
            row, _ = builds.submit(c, "web", {
                "external_id": f"b{n}", "number": n + 1, "status": "success",
                "branch": "main", "started_at": t.isoformat(),
                "finished_at": (t + timedelta(seconds=seconds)).isoformat()})
    return row.id


def test_it_shows_the_anomaly_banner_on_the_build_page(page, slow_build):
    page.goto(f"{page.base}/builds/web/{slow_build}")
    page.wait_for_selector("#builds-detail-anomaly")
    assert page.inner_text("#builds-detail-anomaly").startswith(
        "Abnormally long: 5 min, where recent successful builds of this branch took 60 s")


@pytest.mark.slow
def test_the_anomaly_banner_appears_live_when_the_build_finishes(page, engine, make_token):
    """Issue 14: the build page is live as results arrive, banners included."""
    import json
    import urllib.request

    from browser_support import wait_live

    t = datetime.now(UTC) - timedelta(days=1)
    with engine.begin() as c:
        projects.create_project(c, {"slug": "web", "name": "Web"})
        for n in range(10):
            t += timedelta(minutes=10)
            builds.submit(c, "web", {
                "external_id": f"b{n}", "number": n + 1, "status": "success",
                "branch": "main", "started_at": t.isoformat(),
                "finished_at": (t + timedelta(seconds=60 + n % 3)).isoformat()})
    token = make_token("admin")

    def call(method: str, path: str, body: dict) -> dict:
        req = urllib.request.Request(page.base + "/api/v1" + path, method=method,
                                     data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"{}")

    started = datetime.now(UTC) - timedelta(seconds=300)
    running = call("POST", "/projects/web/builds", {
        "external_id": "slow", "number": 11, "status": "running", "branch": "main",
        "started_at": started.isoformat()})
    page.goto(f"{page.base}/builds/web/{running['id']}")
    page.wait_for_selector("#builds-detail-summary .badge:text-is('running')")
    assert page.locator("#builds-detail-anomaly").count() == 0
    wait_live(page)
    call("PATCH", f"/builds/{running['id']}", {
        "status": "success", "finished_at": (started + timedelta(seconds=300)).isoformat()})
    page.wait_for_selector("#builds-detail-anomaly", timeout=15000)
    assert page.inner_text("#builds-detail-anomaly").startswith("Abnormally long: 5 min")
