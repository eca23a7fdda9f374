import pytest
from monitoring_browser import choose, download_text, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_reports_sla_filters_by_application_and_exports(page, engine):
    load_demo(engine)
    page.goto(page.base + "/reports")
    page.wait_for_selector("#reports-sla tbody tr")
    assert page.locator("#reports-sla tbody tr").count() >= 5
    choose(page, "reports-app", "search")
    page.wait_for_function("document.querySelectorAll('#reports-sla tbody tr').length <= 2")
    header, *rows = download_text(page, "#reports-csv-btn").splitlines()
    assert header == "application,name,period,results,down_results,incidents,uptime"
    assert rows and all(r.startswith("search,") for r in rows)
    assert "/api/v1/reports/sla.html?" in page.get_attribute("#reports-print", "href")
