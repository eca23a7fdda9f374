"""Filters live in the URL on /monitoring, /alerts and /reports: a reload, or the link sent
to a colleague, shows the same view; changing a filter rewrites the URL in place."""

from __future__ import annotations

import pytest
from monitoring_browser import choose

from jadugar import db
from jadugar.services import applications

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = "[...document.querySelectorAll('#monitoring-apps tr[data-slug]')].map(r => r.dataset.slug)"


def _apps() -> None:
    with db.transaction() as c:
        for slug, tags in (("shop-web", ["web"]), ("shop-batch", ["batch"]),
                           ("blog", ["web"])):
            applications.create_application(c, {"slug": slug, "name": slug.title(),
                                                "tags": tags})


def test_it_keeps_the_monitoring_search_and_tag_through_a_reload(page):
    _apps()
    page.goto(page.base + "/monitoring?q=shop&tag=web")
    page.wait_for_function(f"JSON.stringify({ROWS}) === '[\"shop-web\"]'")
    page.reload()
    page.wait_for_function(f"JSON.stringify({ROWS}) === '[\"shop-web\"]'")
    assert page.input_value("#monitoring-search") == "shop"
    assert "web" in page.inner_text("#monitoring-tag")


def test_it_writes_a_changed_monitoring_filter_into_the_url(page):
    _apps()
    page.goto(page.base + "/monitoring")
    page.wait_for_function(f"{ROWS}.length === 3")
    choose(page, "monitoring-tag", "batch")
    page.wait_for_url("**/monitoring?tag=batch")
    page.fill("#monitoring-search", "shop")
    page.press("#monitoring-search", "Enter")
    page.wait_for_url("**q=shop**")
    page.reload()
    page.wait_for_function(f"JSON.stringify({ROWS}) === '[\"shop-batch\"]'")


def test_it_keeps_the_alerts_and_reports_filters_in_the_url(page):
    _apps()
    page.goto(page.base + "/alerts?state=resolved&application=blog")
    page.wait_for_selector("#alerts-state >> text=Resolved")
    assert "blog" in page.inner_text("#alerts-app")
    choose(page, "alerts-state", "Firing")
    page.wait_for_url("**/alerts?state=firing&application=blog")

    page.goto(page.base + "/reports?since=2026-01-01&until=2026-02-01&period=range"
              "&application=shop-web")
    page.wait_for_selector("#reports-table")
    assert page.input_value("#reports-since") == "2026-01-01"
    assert "whole range" in page.inner_text("#reports-period")
    page.fill("#reports-until", "2026-03-01")
    page.wait_for_url("**until=2026-03-01**")
