"""Regenerate the README screenshots: one per page, light and dark, desktop and phone.

    python docs/screenshots/make.py [--warmup 45] [--only dashboard,alerts]

1. Starts `jadugar up --demo` on a free loopback port with its own embedded database in a
   temporary folder (nothing of yours is touched), and reads the admin password it prints.
2. Adds a public status page through the API (a token made with `jadugar token create`).
3. Waits for the collector's first rounds, so the dashboard shows real states.
4. For light and dark (the browser's system setting, which Jadugar follows) at 1440 × 900
   and 390 × 844, signs in with Playwright and Debian's Chromium and saves each page as
   <page>.png (light, desktop), <page>-dark.png, <page>-phone.png, <page>-dark-phone.png.
5. Stops the instance.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
JADUGAR = Path(sys.executable).parent / "jadugar"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--hide-scrollbars"]
SIZES = {"": {"width": 1440, "height": 900}, "-phone": {"width": 390, "height": 844}}
MODES = {"": "light", "-dark": "dark"}
# name, path, a selector that shows the page has drawn ("{build}" is filled in)
PAGES = [
    ("dashboard", "/", "#_pages_content .card"),
    ("builds", "/builds", "#_pages_content table"),
    ("build-project", "/builds/web-frontend", "#builds-project-durations .js-plotly-plot"),
    ("build-detail", "{build}", "#builds-detail-history"),
    ("monitoring", "/monitoring", "#monitoring-apps"),
    ("monitoring-app", "/monitoring/storefront", "#mapp-rt .js-plotly-plot"),
    ("metrics-explorer", "/monitoring/metrics", "#metrics-chart .js-plotly-plot"),
    ("alerts", "/alerts", "#alerts-groups > *"),
    ("reports", "/reports", "#reports-since"),
    ("settings", "/settings", ".tab-pane.active table"),
    ("not-found", "/monitoring/no-such-app", "#not-found"),
]
PUBLIC = [("status-page", "/status/demo", ".app"), ("login", "/login", "#username")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp: Path, port: int) -> tuple[subprocess.Popen, str, dict[str, str]]:
    """`jadugar up --demo`; returns the process, its admin password and its environment."""
    runtime = tmp / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "JADUGAR_DATA_DIR": str(tmp / "data"), "XDG_RUNTIME_DIR": str(runtime)}
    env.pop("JADUGAR_DATABASE_URL", None)
    log = (tmp / "up.log").open("w")
    proc = subprocess.Popen([str(JADUGAR), "up", "--demo", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        text = (tmp / "up.log").read_text()
        found = re.search(r"password: (\S+)", text)
        if found and "Press Ctrl-C" in text:
            return proc, found.group(1), env
        if proc.poll() is not None:
            break
        time.sleep(1)
    proc.kill()
    sys.exit(f"jadugar up did not start:\n{(tmp / 'up.log').read_text()[-2000:]}")


def add_status_page(base: str, env: dict[str, str]) -> None:
    out = subprocess.run([str(JADUGAR), "token", "create", "screenshots", "--scope", "admin"],
                         env=env, capture_output=True, text=True, check=True).stdout
    token = out.strip().splitlines()[-1].strip()
    body = json.dumps({"slug": "demo", "title": "Acme status",
                       "description": "Live status of Acme's public services.",
                       "applications": ["storefront", "search"]}).encode()
    request = urllib.request.Request(base + "/api/v1/status-pages", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).close()


def shoot(page, base: str, path: str, drawn: str, target: Path) -> None:
    page.goto(base + path)
    page.wait_for_selector(drawn, state="attached", timeout=30000)
    page.wait_for_timeout(2000)  # the page's other charts and tables
    page.screenshot(path=str(target))
    print(target.name, flush=True)


def first_build(page, base: str) -> str:
    page.goto(base + "/builds/web-frontend")
    link = "#builds-project-builds tbody tr a[href*='/builds/web-frontend/']"
    page.wait_for_selector(link, timeout=30000)
    return page.get_attribute(link, "href")


def capture(base: str, password: str, only: set[str] | None) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for mode_suffix, scheme in MODES.items():
            for size_suffix, viewport in SIZES.items():
                suffix = mode_suffix + size_suffix
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                for name, path, drawn in PUBLIC:
                    if not only or name in only:
                        shoot(page, base, path, drawn, HERE / f"{name}{suffix}.png")
                page.goto(base + "/login")
                page.fill("#username", "admin")
                page.fill("#password", password)
                page.click("button[type=submit]")
                page.wait_for_url(base + "/")
                build = first_build(page, base)
                for name, path, drawn in PAGES:
                    if not only or name in only:
                        shoot(page, base, path.format(build=build), drawn,
                              HERE / f"{name}{suffix}.png")
                context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warmup", type=int, default=45,
                        help="seconds to let the collector run its first checks")
    parser.add_argument("--only", help="comma-separated page names")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    with tempfile.TemporaryDirectory(prefix="jadugar-shots-") as folder:
        tmp = Path(folder)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc, password, env = start(tmp, port)
        try:
            add_status_page(base, env)
            time.sleep(args.warmup)
            capture(base, password, only)
        finally:
            os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C: `up` stops its children
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
