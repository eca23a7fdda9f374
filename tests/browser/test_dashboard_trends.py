"""The dashboard draws trends (builds per day, worst uptime, open alerts) and its headline
cards open the page behind their number."""

import pytest
from monitoring_browser import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRACES = "document.querySelector('#dashboard-trend-{} .js-plotly-plot')?.data?.length"


def test_it_draws_the_trends_and_opens_the_alerts_from_their_card(page, engine):
    load_demo(engine)
    page.goto(page.base + "/")
    for chart in ("builds", "uptime", "alerts"):
        page.wait_for_function(f"{TRACES.format(chart)} >= 1")
    assert page.evaluate(TRACES.format("builds")) >= 2  # success and failed at least
    page.click("#dashboard-open-alerts")
    page.wait_for_url("**/alerts?state=firing")
    page.wait_for_selector("#alerts-group-firing")
