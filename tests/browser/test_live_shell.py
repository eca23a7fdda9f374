"""The shell follows live events written by the real writers: the collector's write path and
rule evaluation for alerts, the builds service for builds."""

import pytest
from browser_support import wait_live
from sqlalchemy import text

from jadugar.services import builds, projects

pytestmark = pytest.mark.browser


def test_it_shows_the_connection_as_live(page):
    page.goto(page.base + "/")
    wait_live(page)


def test_it_raises_a_toast_for_a_new_alert(page, engine):
    from alerts.conftest import World

    page.goto(page.base + "/")
    wait_live(page)
    with engine.begin() as c:
        world = World(c)
        world.results(world.check(), "ddd")  # three failures fire the default rule
        world.evaluate()
        title = c.execute(text("select title from alerts order by id desc limit 1")).scalar_one()
    page.wait_for_selector(f"text={title}", timeout=10000)


def test_it_refreshes_dashboard_numbers_when_a_build_event_arrives(page, engine):
    with engine.begin() as c:
        projects.create_project(c, {"slug": "web", "name": "Web"})
    page.goto(page.base + "/")
    wait_live(page)
    assert page.inner_text("#dashboard-builds-today") == "0"
    with engine.begin() as c:
        builds.submit(c, "web", {"external_id": "1", "status": "running"})
    page.wait_for_function(
        "document.querySelector('#dashboard-builds-today')?.textContent === '1'",
        timeout=10000)
