import pytest
from browser_support import wait_live

from jadugar import events

pytestmark = pytest.mark.browser



def test_it_shows_the_connection_as_live(page):
    page.goto(page.base + "/")
    wait_live(page)


def test_it_raises_a_toast_for_a_new_alert(page, engine):
    page.goto(page.base + "/")
    wait_live(page)
    with engine.begin() as c:
        events.publish(c, "alert", {"id": 1, "application": "search", "check_id": 2,
                                      "state": "firing", "title": "Search homepage is down",
                                      "severity": "critical"})
    page.wait_for_selector("text=Search homepage is down", timeout=10000)


def test_it_refreshes_dashboard_numbers_when_a_build_event_arrives(page, engine):
    from sqlalchemy import text

    with engine.begin() as c:
        c.execute(text("insert into projects (slug, name) values ('web', 'Web')"))
    page.goto(page.base + "/")
    wait_live(page)
    assert page.inner_text("#dashboard-builds-today") == "0"
    with engine.begin() as c:
        build_id = c.execute(text("insert into builds (project_id, status) select id, 'running'"
                                  " from projects returning id")).scalar_one()
        events.publish(c, "build", {"id": build_id, "project": "web", "status": "running"})
    page.wait_for_function(
        "document.querySelector('#dashboard-builds-today')?.textContent === '1'",
        timeout=10000)
