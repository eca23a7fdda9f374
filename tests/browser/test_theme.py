"""Dark mode that reads: every chart is drawn on a dark paper with light axis text, the
theme follows the system setting until the reader picks one, the pick survives a reload and
a sign-out, and the public status page follows it too.

Colours are read from what Plotly actually drew (`_fullLayout`), not from the figure JSON:
the server builds every figure with the light template and the browser swaps it."""

import time

import pytest
from monitoring_browser import load_demo

from jadugar.services import status_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Pages with charts, and a selector that shows they have drawn.
CHART_PAGES = [
    ("/builds", "#_pages_content table .js-plotly-plot"),
    ("/builds/web-frontend", "#builds-project-durations .js-plotly-plot"),
    ("/monitoring/storefront", "#mapp-rt .js-plotly-plot"),
    ("/monitoring/metrics", "#metrics-chart .js-plotly-plot"),
]

# For every drawn chart: its paper and plot colours, and the colour of each visible axis's
# tick labels and of the legend text.
READ_CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd._fullLayout)
  .map(gd => {
    const fl = gd._fullLayout;
    const axes = Object.keys(fl).filter(k => /^[xy]axis\\d*$/.test(k) && fl[k].visible)
      .map(k => fl[k].tickfont.color);
    return {id: gd.parentElement.id || gd.closest('[id]').id, paper: fl.paper_bgcolor,
            plot: fl.plot_bgcolor, axes, legend: fl.showlegend ? fl.legend.font.color : null};
  })"""


def luminance(css: str) -> float:
    """Relative luminance (0 black … 1 white) of '#rrggbb' or 'rgb(a)(r, g, b[, a])'."""
    if css.startswith("#"):
        rgb = [int(css[i:i + 2], 16) for i in (1, 3, 5)]
    else:
        rgb = [float(v) for v in css[css.index("(") + 1:-1].split(",")[:3]]
        alpha = css.count(",") == 3 and float(css.rsplit(",", 1)[1].rstrip(")"))
        assert alpha is False or alpha == 1, f"{css} is see-through: its colour is the page's"
    lin = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
           for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def charts(page) -> list[dict]:
    return page.evaluate(READ_CHARTS)


def assert_dark(found: list[dict], where: str) -> None:
    assert found, f"no chart drawn on {where}"
    for chart in found:
        assert luminance(chart["paper"]) < 0.05 and luminance(chart["plot"]) < 0.05, \
            (where, chart)
        for text in chart["axes"] + ([chart["legend"]] if chart["legend"] else []):
            assert luminance(text) > 0.35, (where, chart)


def theme_of(page) -> str:
    return page.evaluate("document.documentElement.getAttribute('data-bs-theme')")


def test_it_draws_every_chart_dark_when_the_system_is_dark(page, engine):
    load_demo(engine)
    page.emulate_media(color_scheme="dark")
    for path, drawn in CHART_PAGES:
        page.goto(page.base + path)
        page.wait_for_selector(drawn, timeout=20000)
        page.wait_for_timeout(800)  # the other charts of the page
        assert theme_of(page) == "dark"
        assert_dark(charts(page), path)
        # Dropdowns take the dark body colours too (Dash 4 reads --Dash-* variables).
        dropdown_bg = page.evaluate("""() => {
            const d = document.querySelector('.dash-dropdown');
            return d && getComputedStyle(d).backgroundColor; }""")
        if dropdown_bg:
            assert luminance(dropdown_bg) < 0.05, (path, dropdown_bg)


def test_it_switches_charts_without_reload_and_keeps_the_choice(page, browser, engine):
    load_demo(engine)
    with engine.begin() as c:
        status_pages.save_page(c, "public", "Acme status", None, ["storefront"])
    page.emulate_media(color_scheme="light")
    page.goto(page.base + "/monitoring/storefront")
    page.wait_for_selector("#mapp-rt .js-plotly-plot", timeout=20000)
    assert theme_of(page) == "light"
    assert all(luminance(c["paper"]) > 0.9 for c in charts(page))

    page.click("#shell-theme")
    page.click("#shell-theme-dark")
    page.wait_for_function("document.documentElement.getAttribute('data-bs-theme') === 'dark'")
    page.wait_for_function("""[...document.querySelectorAll('.js-plotly-plot')]
        .every(gd => gd._fullLayout && gd._fullLayout.paper_bgcolor === '#212529')""")
    assert_dark(charts(page), "after picking dark")

    # The pick outlives a reload, though the system stays light …
    page.reload()
    page.wait_for_selector("#mapp-rt .js-plotly-plot", timeout=20000)
    assert theme_of(page) == "dark"
    assert page.get_attribute("#shell-theme-icon", "class") == "bi bi-moon-stars"
    # … and a sign-out: the login page is dark as well.
    page.click("#shell-logout")
    page.wait_for_url("**/login")
    assert theme_of(page) == "dark"

    # The public status page follows the system setting of a reader who never picked.
    for scheme in ("dark", "light"):
        reader = browser.new_context(color_scheme=scheme)
        pg = reader.new_page()
        pg.goto(page.base + "/status/public")
        pg.wait_for_selector(".app")
        assert theme_of(pg) == scheme
        reader.close()


def test_it_follows_the_system_again_when_asked(page, engine):
    page.emulate_media(color_scheme="dark")
    page.goto(page.base + "/")
    page.click("#shell-theme")
    page.click("#shell-theme-light")
    page.wait_for_function("document.documentElement.getAttribute('data-bs-theme') === 'light'")
    page.click("#shell-theme")
    page.click("#shell-theme-auto")
    page.wait_for_function("document.documentElement.getAttribute('data-bs-theme') === 'dark'")
    assert page.evaluate("localStorage.getItem('jadugar-theme')") is None
    page.emulate_media(color_scheme="light")  # the system changes while the page is open
    page.wait_for_function("document.documentElement.getAttribute('data-bs-theme') === 'light'")


def test_the_choice_follows_the_person_to_another_browser(page, browser, engine):
    """Issue 13: the theme is kept per user, not per browser: picked in one browser, it is
    there when the same person signs in from a fresh one (no cookies, no storage)."""
    from browser_support import sign_in
    from sqlalchemy import text

    page.emulate_media(color_scheme="light")
    page.goto(page.base + "/builds")
    page.wait_for_selector("#shell-theme")
    page.click("#shell-theme")
    page.click("#shell-theme-dark")
    page.wait_for_function("document.documentElement.getAttribute('data-bs-theme') === 'dark'")

    def stored() -> str | None:
        with engine.connect() as c:
            return c.execute(text("select theme from users where username = 'browser'")
                             ).scalar()

    deadline = time.monotonic() + 10
    while stored() != "dark" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stored() == "dark"

    other = browser.new_context(color_scheme="light")
    pg = other.new_page()
    sign_in(pg, page.base, "browser", "browser-pass")
    pg.goto(page.base + "/builds")
    pg.wait_for_selector("#shell-theme")
    assert theme_of(pg) == "dark"
    other.close()
