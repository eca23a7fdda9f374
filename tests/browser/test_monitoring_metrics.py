import pytest
from monitoring_browser import choose, download_text, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHART = "document.querySelector('#metrics-chart .js-plotly-plot')"


def test_it_overlays_series_changes_aggregation_and_exports(page, engine):
    load_demo(engine)
    page.goto(page.base + "/monitoring/metrics?app=storefront,search&name=cpu_percent&range=7d")
    page.wait_for_function(f"{CHART}?.data?.length == 6")  # 2 x (envelope pair + line)
    points = page.evaluate(f"Math.max(...{CHART}._fullData.map(t => t._length || 0))")
    assert 0 < points <= 2000
    before = page.evaluate(f"JSON.stringify({CHART}.data[2].y)")
    choose(page, "metrics-agg", "max")
    page.wait_for_url("**agg=max**")
    page.wait_for_function(f"{CHART}.data[2].name.includes('max(')")
    assert page.evaluate(f"JSON.stringify({CHART}.data[2].y)") != before
    header, *rows = download_text(page, "#metrics-csv-btn").splitlines()
    assert header == "application,metric,aggregation,t,value,min,max,count"
    assert {r.split(",")[0] for r in rows} == {"storefront", "search"}
    assert all(r.split(",")[2] == "max" for r in rows)
