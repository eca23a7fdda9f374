"""A running build's progress bar moves on an open page, without a reload."""

import pytest
from browser_support import wait_live
from sqlalchemy import text

from jadugar import db
from jadugar.services import builds

pytestmark = pytest.mark.browser


def test_it_moves_a_running_builds_progress_bar_in_place(page, engine):
    with engine.begin() as c:
        c.execute(text("insert into projects (slug, name) values ('web', 'Web')"))
        build_id = c.execute(text(
            "insert into builds (project_id, status, progress, branch, started_at)"
            " select id, 'running', 20, 'main', now() from projects returning id")).scalar_one()
    page.goto(page.base + "/builds")
    bar = f'[id*="builds-progress"][id*="{build_id}"] .progress-bar'
    page.wait_for_selector(bar, timeout=15000)
    wait_live(page)
    page.evaluate("window.__marker = 'same page'")  # gone if the page reloads

    with db.transaction() as c:
        builds.patch(c, build_id, {"progress": 75}, source="api")
    page.wait_for_function(
        f"document.querySelector('{bar}')?.style.width === '75%'", timeout=10000)
    assert page.evaluate("window.__marker") == "same page"
