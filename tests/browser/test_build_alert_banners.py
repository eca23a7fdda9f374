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
