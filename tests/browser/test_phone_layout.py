"""On a 390 × 844 phone no page scrolls sideways: wide tables and charts scroll or shrink
inside their card instead (assets/theme.css). Every page is visited with the demo data, every
settings tab, one build, the public status page, login and the not-found page."""

import pytest
from monitoring_browser import load_demo

from jadugar.services import status_pages
from jadugar.ui.settings_areas import AREAS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
# path, a selector that shows the page has drawn
PAGES = [
    ("/", "#_pages_content .card"),
    ("/builds", "#_pages_content table"),
    ("/builds/web-frontend", "#builds-project-durations .js-plotly-plot"),
    ("/monitoring", "#monitoring-apps"),
    ("/monitoring/storefront", "#mapp-rt .js-plotly-plot"),
    ("/monitoring/metrics", "#metrics-chart .js-plotly-plot"),
    ("/alerts", "#alerts-groups > *"),
    ("/reports", "#reports-since"),
    ("/no-such-page", "#not-found"),
] + [(f"/settings?tab={a.prefix}",  # a list, or the line saying it is empty
        ".tab-pane.active table, .tab-pane.active .settings-empty") for a in AREAS]

WIDTH = "document.documentElement.scrollWidth"
# What sticks out, to say why when it fails.
CULPRITS = """() => [...document.querySelectorAll('body *')].filter(el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= innerWidth + 1) return false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return false;
    }
    return true;
  }).slice(0, 5)
    .map(el => `${el.tagName}#${el.id}.${el.className} ${el.getBoundingClientRect().right}`)"""


def too_wide(page) -> tuple[int, list[str]] | None:
    page.wait_for_timeout(1000)  # late charts and tables
    width = page.evaluate(WIDTH)
    return None if width <= PHONE["width"] else (width, page.evaluate(CULPRITS))


def test_it_never_scrolls_sideways_on_a_phone(page, browser, engine):
    load_demo(engine)
    with engine.begin() as c:
        status_pages.save_page(c, "public", "Acme status", None, ["storefront", "search"])
    page.set_viewport_size(PHONE)
    wide: dict[str, object] = {}
    for path, drawn in PAGES:
        page.goto(page.base + path)
        page.wait_for_selector(drawn, state="attached", timeout=20000)
        wide[path] = too_wide(page)

    page.goto(page.base + "/builds/web-frontend")
    build = page.get_attribute("#builds-project-builds tbody tr a[href*='/builds/web-frontend/']",
                               "href")
    page.goto(page.base + build)
    page.wait_for_selector("#builds-detail-history", timeout=20000)
    wide[build] = too_wide(page)

    anonymous = browser.new_context(viewport=PHONE)
    pg = anonymous.new_page()
    for path, drawn in (("/status/public", ".app"), ("/login", "#username")):
        pg.goto(page.base + path)
        pg.wait_for_selector(drawn)
        wide[path] = too_wide(pg)
    anonymous.close()
    assert {path: w for path, w in wide.items() if w} == {}
