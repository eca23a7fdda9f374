"""The project page follows its project live: a build posted elsewhere appears in the
table without a reload."""

import pytest
from browser_support import wait_live
from sqlalchemy import text

from jadugar import db
from jadugar.services import builds

pytestmark = pytest.mark.browser


def test_it_adds_a_new_build_to_the_open_project_page(page, engine):
    with engine.begin() as c:
        c.execute(text("insert into projects (slug, name) values ('web', 'Web')"))
    page.goto(page.base + "/builds/web")
    page.wait_for_selector("text=No builds match these filters.")
    wait_live(page)
    page.evaluate("window.__marker = 'same page'")
    with db.transaction() as c:
        builds.submit(c, "web", {"status": "failed", "branch": "hotfix/live", "number": 77})
    page.wait_for_selector("#builds-project-builds >> text=hotfix/live", timeout=15000)
    assert page.evaluate("window.__marker") == "same page"
