import pytest

from jadugar import realtime

pytestmark = pytest.mark.browser


def wait_live(page):
    page.wait_for_function(
        "document.querySelector('#shell-live')?.textContent === 'live'", timeout=15000)


def test_it_shows_the_connection_as_live(page):
    page.goto(page.base + "/")
    wait_live(page)


def test_it_raises_a_toast_for_a_new_alert(page, engine):
    page.goto(page.base + "/")
    wait_live(page)
    with engine.begin() as c:
        realtime.publish(c, "alert", {"id": 1, "application": "search", "check_id": 2,
                                      "state": "firing", "title": "Search homepage is down",
                                      "severity": "critical"})
    page.wait_for_selector("text=Search homepage is down", timeout=10000)
