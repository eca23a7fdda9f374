"""Issue 13: drag-to-zoom on any time chart sets the page's range and the URL, as Grafana
does; on the project page too (its ranges were fixed day counts). The zoom is made the way a
drag makes it: a Plotly relayout of the chart's x axis."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from jadugar.services import builds, projects

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def web(engine):
    with engine.begin() as c:
        projects.create_project(c, {"slug": "web", "name": "Web"})
        for n in range(20):  # one build a day for twenty days
            t = NOW - timedelta(days=20 - n)
            builds.submit(c, "web", {"external_id": f"b{n}", "number": n + 1,
                                     "status": "failed" if n % 4 == 0 else "success",
                                     "branch": "main", "started_at": t.isoformat(),
                                     "finished_at": (t + timedelta(minutes=2)).isoformat()})


def _x_range(page, chart: str) -> list[str]:
    return page.evaluate(f"""document.querySelector('#builds-project-{chart} .js-plotly-plot')
                             ._fullLayout.xaxis.range""")


def test_zooming_a_chart_sets_the_range_of_the_page_and_the_url(page, web, engine):
    page.goto(page.base + "/builds/web?range=30d")
    page.wait_for_selector("#builds-project-outcomes .js-plotly-plot")
    page.wait_for_selector("#builds-project-builds tbody tr")
    since, until = NOW - timedelta(days=10), NOW - timedelta(days=5)
    fmt = "%Y-%m-%d %H:%M:%S"
    page.evaluate(f"""Plotly.relayout(document.querySelector(
        '#builds-project-outcomes .js-plotly-plot'),
        {{'xaxis.range[0]': '{since:{fmt}}', 'xaxis.range[1]': '{until:{fmt}}'}})""")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('..')")
    assert f"range={since:%Y-%m-%dT%H:%M:%S}Z..{until:%Y-%m-%dT%H:%M:%S}Z" in \
        page.evaluate("decodeURIComponent(location.search)")
    # Every time chart redraws for the zoomed span; the table lists only its builds.
    page.wait_for_function(f"""() => {{
        const gd = document.querySelector('#builds-project-durations .js-plotly-plot');
        return gd && gd._fullLayout.xaxis.range[0].startsWith('{since:%Y-%m-%d}');
    }}""")
    with engine.connect() as c:
        inside = c.execute(text("select count(*) from builds where created_at >= :s "
                                "and created_at < :u"), {"s": since, "u": until}).scalar()
    page.wait_for_function(f"""() => document.querySelector('#builds-project-pageinfo')
                                .innerText.endsWith('{inside} builds')""")
    # The URL keeps it: a reload shows the same span.
    page.reload()
    page.wait_for_selector("#builds-project-durations .js-plotly-plot")
    page.wait_for_function(f"""() => {{
        const gd = document.querySelector('#builds-project-durations .js-plotly-plot');
        return gd && gd._fullLayout.xaxis.range[0].startsWith('{since:%Y-%m-%d}');
    }}""")
    assert _x_range(page, "success")[1].startswith(f"{until:%Y-%m-%d}")
