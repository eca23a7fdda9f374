"""A running build's progress bar moves on an open page, without a reload."""

import pytest
from browser_support import wait_live
from sqlalchemy import text

from jadugar import db
from jadugar.services import builds

pytestmark = pytest.mark.browser


def running_build(engine) -> int:
    """Project web with one build running at 20 %."""
    with engine.begin() as c:
        c.execute(text("insert into projects (slug, name) values ('web', 'Web')"))
        return c.execute(text(
            "insert into builds (project_id, status, progress, branch, started_at)"
            " select id, 'running', 20, 'main', now() from projects returning id")).scalar_one()


def open_builds(page, build_id: int) -> str:
    """/builds open and live, with the build's bar drawn; the bar's selector."""
    page.goto(page.base + "/builds")
    bar = f'[id*="builds-progress"][id*="{build_id}"] .progress-bar'
    page.wait_for_selector(bar, timeout=15000)
    wait_live(page)
    return bar


def wait_width(page, bar: str, percent: int) -> None:
    page.wait_for_function(
        f"document.querySelector('{bar}')?.style.width === '{percent}%'", timeout=10000)


def test_it_moves_a_running_builds_progress_bar_in_place(page, engine):
    build_id = running_build(engine)
    bar = open_builds(page, build_id)
    page.evaluate("window.__marker = 'same page'")  # gone if the page reloads

    with db.transaction() as c:
        builds.patch(c, build_id, {"progress": 75}, source="api")
    wait_width(page, bar, 75)
    assert page.evaluate("window.__marker") == "same page"


def test_a_redrawn_table_keeps_the_progress_it_read_not_the_last_event(page, engine):
    # Redrawing the table must not put back the progress of the last event the page heard:
    # after a reconnect the table is read again, and the bars went back to before.
    build_id = running_build(engine)
    bar = open_builds(page, build_id)
    with db.transaction() as c:
        builds.patch(c, build_id, {"progress": 30}, source="api")
    wait_width(page, bar, 30)
    with engine.begin() as c:  # a change whose event this page missed
        c.execute(text("update builds set progress = 90 where id = :id"), {"id": build_id})

    # Anything that redraws the table reads it again: here, a project added on the page.
    page.fill("#builds-new-slug", "api")
    page.fill("#builds-new-name", "API")
    page.click("#builds-new-submit")
    page.wait_for_selector('#builds-overview a[href="/builds/api"]', timeout=10000)
    page.wait_for_timeout(500)  # what ran after the redraw has run
    assert page.evaluate(f"document.querySelector('{bar}').style.width") == "90%"


def test_an_event_heard_before_the_page_arrived_still_reaches_it(page, engine):
    # The page's content is read at 20 %, the build moves to 30 % and its event reaches the
    # browser before that content does (held here): the page must read again on arrival.
    build_id = running_build(engine)
    held = []

    def hold_the_content(route):
        if "_pages_content" in (route.request.post_data or ""):
            held.append((route, route.fetch()))  # the server has read it: 20 %
        else:
            route.continue_()

    page.route("**/_dash-update-component*", hold_the_content)
    page.goto(page.base + "/builds")
    for _ in range(150):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page did not ask for its content"
    wait_live(page)
    with db.transaction() as c:
        builds.patch(c, build_id, {"progress": 30}, source="api")
    page.wait_for_timeout(1000)  # the event is in the browser, the page is not
    route, answer = held[0]
    route.fulfill(response=answer)
    bar = f'[id*="builds-progress"][id*="{build_id}"] .progress-bar'
    wait_width(page, bar, 30)
