"""The dashboard's first load in Chromium, with N checks (5,000 by default) behind it.

Seeds an embedded PostgreSQL with the monitoring benchmark's data (applications of five
checks, a day of 5-minute history), starts a real `jadugar serve`, signs in with Debian's
Chromium (Playwright) and times, over several loads with a fresh page each, from navigation
until the dashboard's tiles are in the page (the page notes the moment itself): what a user
waits for. The charts below them follow; plotly.js then keeps the page's main thread busy
for about a second on these cores. The browser's HTTP cache is on, as for a returning user;
the first, cold load (from the sign-in click) is reported too.

    python -m bench.dashboard_load [--checks 5000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import text  # noqa: E402
from support_processes import process_env, serving  # noqa: E402

from bench.monitoring_pages import generate  # noqa: E402
from bench.suite import Row, emit  # noqa: E402
from jadugar import auth, db, migrations  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TILES = "#dashboard-apps-up"
# The page notes the wall-clock time the tiles enter its DOM. Playwright's own polling of
# the selector is not the clock: it can sit behind a second of plotly.js running on the
# page's main thread after the tiles are drawn, and report that second as the load.
MARK_TILES = ("new MutationObserver((_, observer) => {"
              f"  if (document.querySelector('{TILES}')) {{"
              "    window.__tilesAt = Date.now(); observer.disconnect(); }"
              "}).observe(document, {childList: true, subtree: true});")


def load_times(base: str, runs: int) -> tuple[float, list[float]]:
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_init_script(MARK_TILES)
        page = context.new_page()
        page.goto(base + "/login")
        page.fill("#username", "bench")
        page.fill("#password", "bench-password")
        started = time.time()
        page.click("button[type=submit]")
        cold = _tiles_after(page, started)
        times = []
        for _ in range(runs):
            fresh = context.new_page()
            started = time.time()
            fresh.goto(base + "/", wait_until="commit")
            times.append(_tiles_after(fresh, started))
            fresh.close()
        browser.close()
    return cold, times


def _tiles_after(page, started: float) -> float:  # noqa: ANN001
    """Seconds from `started` (wall clock, the browser's too) until the tiles were drawn."""
    page.wait_for_selector(TILES, timeout=60_000)
    page.wait_for_function("window.__tilesAt !== undefined", timeout=60_000)
    return page.evaluate("window.__tilesAt") / 1000 - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jadugar-bench-"))
    tmp.chmod(0o755)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(tmp))
    try:
        url = db.embedded_url(tmp)
        engine = db.make_engine(url, timeout_s=30)
        migrations.upgrade(engine)
        generate(engine, args.checks, 1)
        with engine.begin() as c:
            auth.create_user(c, "bench", "admin", "bench-password")
            checks = c.execute(text("select count(*) from health_checks")).scalar_one()
        engine.dispose()
        with serving(process_env(url, tmp), tmp) as base:
            cold, times = load_times(base, args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    median = statistics.median(times)
    print(f"{checks:,} checks; sign-in to drawn tiles {cold * 1000:.0f} ms; dashboard loads "
          f"(median of {args.runs}): {median * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms")
    emit([Row(f"dashboard first load in Chromium, {checks:,} checks",
              f"{median * 1000:.0f} ms median of {args.runs} (sign-in to tiles, cold: "
              f"{cold * 1000:.0f} ms)", "–", "< 2 s", median < 2 and cold < 2)])


if __name__ == "__main__":
    main()
