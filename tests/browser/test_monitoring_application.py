import pytest
from monitoring_browser import download_text, load_demo, trace_count

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_draws_the_charts_keeps_the_range_in_the_url_and_exports(page, engine):
    load_demo(engine)
    page.goto(page.base + "/monitoring/search?range=24h")
    page.wait_for_function("document.querySelector('#mapp-rt .js-plotly-plot')?.data?.length")
    assert trace_count(page, "mapp-rt") >= 4  # max, min envelope, p95, p50 (+ deploys)
    page.wait_for_selector("#mapp-incidents-table")
    day_bars = "document.querySelector('#mapp-days .js-plotly-plot')?.data?.[0]?.x?.length"
    assert page.evaluate(day_bars) in (1, 2)
    page.click("#mapp-range label:text-is('7d')")
    page.wait_for_url("**range=7d**")
    page.wait_for_function(f"{day_bars} >= 7")
    csv = download_text(page, "#mapp-recent-csv-btn")
    header, *rows = csv.splitlines()
    assert header == "ts,location,status,response_ms,status_code,error"
    assert any(",down," in r and "expected status 200, got 503" in r for r in rows)
    page.goto(page.base + "/monitoring/search?range=7d")
    page.wait_for_function(f"{day_bars} >= 7")  # the URL alone restores the range
