"""A heartbeat check pings once a day: its application page's charts still span the chosen
range, tick in whole seconds or coarser, and say what a point is in minutes, not `1M ms`."""

from __future__ import annotations

import re
from datetime import timedelta

import pandas as pd
import pytest

from jadugar import db
from jadugar.services import applications, builds, checks, projects
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHARTS = ("mapp-rt", "mapp-bands")
SUB_SECOND = re.compile(r"\d:\d\d\.\d")  # 02:18:14.6, 23:59:59.9996


def _nightly_job() -> None:
    with db.transaction() as c:
        applications.create_application(c, {"slug": "etl", "name": "Nightly ETL"})
        check = checks.create_check(c, "etl", {
            "name": "nightly-run", "type": "heartbeat", "target": "heartbeat",
            "interval_s": 86400, "grace_s": 3600, "expect": {}}, "test")
        now = utcnow()
        write_results(c, [Row(check.id, now - timedelta(hours=h), "push", "up", 1_094_548.0)
                          for h in (3, 27, 51)])


def _axis(page, graph: str) -> dict:
    page.wait_for_function(f"document.querySelector('#{graph} .js-plotly-plot')?.data?.length")
    return page.evaluate(f"""(() => {{
        const gd = document.querySelector('#{graph} .js-plotly-plot');
        return {{range: gd.layout.xaxis.range,
                 ticks: [...gd.querySelectorAll('.xtick text')].map(t => t.textContent),
                 y: gd.layout.yaxis.ticksuffix || ''}};
    }})()""")


def test_it_pins_every_chart_to_a_custom_range_without_sub_second_ticks(page):
    _nightly_job()
    today = pd.Timestamp(utcnow()).tz_localize(None).floor("D")
    since, until = today - pd.Timedelta(days=2), today + pd.Timedelta(days=1)
    fmt = "%Y-%m-%dT%H:%M"
    page.goto(f"{page.base}/monitoring/etl?range=custom&since={since.strftime(fmt)}"
              f"&until={until.strftime(fmt)}")
    for graph in CHARTS:
        axis = _axis(page, graph)
        # the inputs are wall-clock times of the browser; the axis reads in the same zone
        assert [pd.Timestamp(t) for t in axis["range"]] == [since, until], graph
        assert not [t for t in axis["ticks"] if SUB_SECOND.search(t)], axis["ticks"]
    assert _axis(page, "mapp-rt")["y"] == " min"  # a 18-minute run is not "1M ms"
    days = _axis(page, "mapp-days")
    assert pd.Timestamp(days["range"][0]) <= since and pd.Timestamp(days["range"][1]) >= until


def test_it_spans_the_whole_24_hours_with_one_point_in_them(page):
    _nightly_job()
    page.goto(f"{page.base}/monitoring/etl?range=24h")
    for graph in CHARTS:
        axis = _axis(page, graph)
        start, end = (pd.Timestamp(t) for t in axis["range"])
        assert abs((end - start) - pd.Timedelta(hours=24)) < pd.Timedelta(seconds=2), graph
        assert not [t for t in axis["ticks"] if SUB_SECOND.search(t)], axis["ticks"]
    markers = page.evaluate("document.querySelector('#mapp-rt .js-plotly-plot')"
                            ".data.find(t => t.name === 'result')?.mode")
    assert "markers" in markers  # a lone point is drawn, not an invisible line
    page.wait_for_selector("td:text-is('1 d')")  # "Every 1 d", not "Every 86400 s"


def test_it_makes_a_drag_zoomed_span_the_range_of_the_page_and_the_url(page):
    _nightly_job()
    page.goto(f"{page.base}/monitoring/etl?range=7d")
    _axis(page, "mapp-rt")
    box = page.locator("#mapp-rt .nsewdrag").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=8)
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=8)
    page.mouse.up()
    page.wait_for_url("**range=custom**")
    since, until = page.input_value("#mapp-since"), page.input_value("#mapp-until")
    assert "since=" in page.url and pd.Timestamp(since) < pd.Timestamp(until)
    # about 30 % of a week, and every chart redrawn for it
    assert abs((pd.Timestamp(until) - pd.Timestamp(since)) / pd.Timedelta(days=7) - 0.3) < 0.05
    page.wait_for_function(
        "(() => { const r = document.querySelector('#mapp-bands .js-plotly-plot')"
        f".layout.xaxis.range; return r && r[0].startsWith('{since.replace('T', ' ')}'); }})()")


def test_it_spans_the_project_pages_range_with_a_single_build(page):
    with db.transaction() as c:
        projects.create_project(c, {"slug": "web", "name": "Web"})
        builds.submit(c, "web", {"status": "success", "number": 1, "branch": "main",
                                 "started_at": (utcnow() - timedelta(minutes=5)).isoformat(),
                                 "finished_at": utcnow().isoformat()})
    page.goto(f"{page.base}/builds/web?range=7d")
    axis = _axis(page, "builds-project-durations")
    start, end = (pd.Timestamp(t) for t in axis["range"])
    assert abs((end - start) - pd.Timedelta(days=7)) < pd.Timedelta(seconds=5)
    assert not [t for t in axis["ticks"] if SUB_SECOND.search(t)], axis["ticks"]
    assert axis["y"] == " min"  # a five-minute build, not "0.1 h" or "300 s"
