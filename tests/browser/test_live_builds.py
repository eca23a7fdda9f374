"""Build pages follow the API live: a build finishing changes its open page's badge, stages
and history, and a new build shows on /builds, without a reload. The events come from real
API calls, as a CI system would make them."""

from __future__ import annotations

import json
import urllib.request

import pytest
from browser_support import wait_live
from sqlalchemy import text

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _api(base: str, token: str, method: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(base + "/api/v1" + path, method=method,
                                 data=json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"{}")


@pytest.fixture
def web_project(engine):
    with engine.begin() as c:
        c.execute(text("insert into projects (slug, name) values ('web', 'Web')"))


def test_it_turns_the_running_badge_of_an_open_build_page_to_success(page, make_token,
                                                                     web_project):
    token = make_token("admin")
    build = _api(page.base, token, "POST", "/projects/web/builds",
                 {"status": "running", "progress": 40, "branch": "main", "number": 12,
                  "message": "Fix the checkout total\n\nRounding was off by a cent.",
                  "trigger": "push", "url": "https://ci.example/runs/12"})
    page.goto(f"{page.base}/builds/web/{build['id']}")
    page.wait_for_selector("#builds-detail-summary .badge:text-is('running')")
    # what the build is: its commit message, what triggered it, the way to its CI run
    assert page.inner_text("#builds-detail-commit-message").startswith("Fix the checkout")
    assert page.inner_text("#builds-detail-trigger") == "Triggered by push"
    assert page.get_attribute("#builds-detail-ci-link", "href") == "https://ci.example/runs/12"
    wait_live(page)
    page.evaluate("window.__marker = 'same page'")  # gone if the page reloads

    _api(page.base, token, "PATCH", f"/builds/{build['id']}", {"status": "success"})
    page.wait_for_selector("#builds-detail-summary .badge:text-is('success')", timeout=15000)
    page.wait_for_selector("#builds-detail-history >> text=running → success")
    assert page.evaluate("window.__marker") == "same page"


def test_it_shows_a_new_build_on_the_builds_page_and_its_latest_status(page, make_token,
                                                                       web_project):
    token = make_token("admin")
    page.goto(page.base + "/builds")
    page.wait_for_selector("#builds-overview")
    wait_live(page)
    page.evaluate("window.__marker = 'same page'")

    build = _api(page.base, token, "POST", "/projects/web/builds",
                 {"status": "running", "progress": 10, "branch": "hotfix/live", "number": 77})
    page.wait_for_selector("#builds-overview >> text=#77 hotfix/live", timeout=15000)
    _api(page.base, token, "PATCH", f"/builds/{build['id']}", {"status": "failed"})
    page.wait_for_selector("#builds-overview .badge:text-is('failed')", timeout=15000)
    assert page.evaluate("window.__marker") == "same page"
