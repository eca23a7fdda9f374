"""/monitoring/<slug>'s CSV buttons share one module-level callback, `download(name, ...)`,
registered once per table at import: a test calls it for one table directly."""

from __future__ import annotations

import importlib
from datetime import timedelta

from monitoring_factory import add_history, make_app, make_check

from jadugar.timeutil import utcnow


def test_it_downloads_the_recent_results_of_the_chosen_check(dash_app, engine, clean_db):
    with engine.begin() as c:
        check_id = make_check(c, make_app(c, "shop"))
        add_history(c, check_id, utcnow() - timedelta(minutes=10), "uux")
    page = importlib.import_module("pages.monitoring_app")  # loaded by the page registry
    out = page.download("recent", 1, "1h", None, None, str(check_id), "UTC", "shop")
    header, *rows = out["content"].splitlines()
    assert out["filename"] == "shop-recent.csv"
    assert header == "ts,location,status,response_ms,status_code,error"
    assert [r.split(",")[2] for r in rows] == ["down", "up", "up"]  # newest first
