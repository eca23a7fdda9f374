import pytest
from monitoring_browser import choose, download_text, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_lists_applications_filters_by_tag_and_downloads_csv(page, engine):
    load_demo(engine)
    page.goto(page.base + "/monitoring")
    page.wait_for_selector("#monitoring-apps tr[data-slug=search]")
    assert page.locator("#monitoring-apps tbody tr").count() == 7  # with "Jadugar" itself
    assert page.locator("#monitoring-apps .uptime-bars").first.locator("span").count() == 90
    choose(page, "monitoring-tag", "pci")
    # Wait for the filtered table itself, not just one row (a redraw passes through others).
    page.wait_for_function("""() => {
        const rows = document.querySelectorAll('#monitoring-apps tbody tr');
        return rows.length == 1 && rows[0].innerText.includes('Payments API');
    }""")
    csv = download_text(page, "#monitoring-csv-btn")
    lines = csv.splitlines()
    assert lines[0].startswith("application,name,environment,tags,status")
    assert len(lines) == 2 and lines[1].startswith("payments,Payments API,production")
