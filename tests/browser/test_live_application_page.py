"""An open application page follows its checks live: a new result shows up in the recent
results without a reload."""

from datetime import timedelta

import pytest
from browser_support import wait_live

from jadugar import db
from jadugar.services import applications, checks
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow

pytestmark = pytest.mark.browser


def test_it_shows_a_new_check_result_without_a_reload(page, engine):
    with db.transaction() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        check = checks.create_check(c, "shop", {"name": "home", "type": "http",
                                                "target": "http://shop.test/", "interval_s": 60},
                                    "test")
    page.goto(page.base + "/monitoring/shop")
    wait_live(page)
    page.evaluate("window.__marker = 'same page'")
    with db.transaction() as c:
        write_results(c, [Row(check.id, utcnow() - timedelta(seconds=1), "local", "down",
                              812.0, 503, "expected status 200, got 503")])
    page.wait_for_selector("#mapp-recent >> text=expected status 200, got 503", timeout=20000)
    assert page.evaluate("window.__marker") == "same page"


def test_it_moves_an_application_to_down_on_the_open_overview(page, engine):
    with db.transaction() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        check = checks.create_check(c, "shop", {"name": "home", "type": "http",
                                                "target": "http://shop.test/", "interval_s": 60},
                                    "test")
    page.goto(page.base + "/monitoring")
    page.wait_for_selector("#monitoring-table tr[data-slug=shop]")
    wait_live(page)
    with db.transaction() as c:
        write_results(c, [Row(check.id, utcnow() - timedelta(seconds=1), "local", "down",
                              812.0, 503, "expected status 200, got 503")])
    page.wait_for_selector("#monitoring-table tr[data-slug=shop] >> text=down", timeout=20000)
