"""Every page renders under the Content-Security-Policy: no console error, no uncaught
exception, no CSP violation. The project page draws WebGL (scattergl) charts, the reason
the policy allows 'unsafe-eval' (see jadugar/web/headers.py)."""

import pytest
from monitoring_browser import load_demo

from jadugar.services import status_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`));"""

# path, a selector that shows the page has drawn
PAGES = [
    ("/", "#_pages_content .card"),
    ("/builds", "#_pages_content table"),
    ("/builds/web-frontend", "#builds-project-durations .gl-container canvas"),
    ("/monitoring", "#monitoring-apps"),
    ("/monitoring/storefront", "#mapp-rt .main-svg"),
    ("/monitoring/metrics", "#metrics-chart .main-svg"),
    ("/alerts", "#alerts-groups > *"),
    ("/reports", "#reports-since"),
    ("/settings", "#_pages_content .card"),
]


def _problems(pg, visit) -> list[str]:
    problems: list[str] = []

    def console(message):
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def exception(error):
        problems.append(f"exception: {error}")

    pg.on("console", console)
    pg.on("pageerror", exception)
    try:
        visit()
        pg.wait_for_timeout(1500)  # late chunks (plotly) and callbacks
    finally:
        pg.remove_listener("console", console)
        pg.remove_listener("pageerror", exception)
    return problems + [f"csp: {v}" for v in pg.evaluate("window.__csp")]


def test_it_renders_every_page_under_the_policy(browser, page, engine):
    """One test for all pages: the demo data takes a while to load."""
    load_demo(engine)
    with engine.begin() as c:
        status_pages.save_page(c, "public", "Acme status", None, ["storefront", "search"])
    page.context.add_init_script(WATCH_CSP)
    found: dict[str, list[str]] = {}

    for path, drawn in PAGES:
        def visit(path=path, drawn=drawn):
            response = page.goto(page.base + path)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            page.wait_for_selector(drawn, state="attached", timeout=20000)
        found[path] = _problems(page, visit)
        # Without 'unsafe-eval' regl fails quietly: a CSP report and this text, no console
        # error.
        assert "WebGL is not supported" not in page.inner_text("body"), path

    anonymous = browser.new_context()
    anonymous.add_init_script(WATCH_CSP)
    pg = anonymous.new_page()

    def status():
        pg.goto(page.base + "/status/public")
        pg.wait_for_selector(".app")

    def login():
        pg.goto(page.base + "/login")
        pg.wait_for_selector("#username")

    found["/status/public"] = _problems(pg, status)
    # The inline local-time script ran: it rewrote the ISO stamps for the reader's zone.
    assert not pg.inner_text("time").endswith("Z")
    found["/login"] = _problems(pg, login)
    anonymous.close()
    assert {path: p for path, p in found.items() if p} == {}
