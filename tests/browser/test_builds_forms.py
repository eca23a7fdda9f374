"""Writes from the build pages in headless Chromium: re-marking a build on its own page
(with its stage Gantt), posting a project update, and the project form's validation beside
the field. Each test seeds one small project, not the demo, to stay quick."""

from datetime import UTC, datetime, timedelta

import pytest
from browser_support import settle, wait_seen, watch_for_text
from sqlalchemy import text

from jadugar.services import builds, projects
from jadugar.services.webhooks.ingest import UPSERT_STAGE

pytestmark = pytest.mark.browser

STAGES = ("checkout", "build", "test")


@pytest.fixture
def build_id(engine):
    """Project `web` with one running build of three timed stages."""
    start = datetime.now(UTC) - timedelta(minutes=10)
    with engine.begin() as c:
        projects.create_project(c, {"slug": "web", "name": "Web"})
        row, _ = builds.submit(c, "web", {"external_id": "b1", "number": 7,
                                          "status": "running", "branch": "main"})
        c.execute(UPSERT_STAGE, [
            {"build_id": row.id, "external_id": name, "name": name, "status": "success",
             "position": n + 1, "started_at": start + timedelta(minutes=2 * n),
             "finished_at": start + timedelta(minutes=2 * n + 2), "url": None}
            for n, name in enumerate(STAGES)])
    return row.id


def test_it_draws_the_stages_and_cancels_the_build_with_a_reason(page, engine, build_id):
    page.goto(f"{page.base}/builds/web/{build_id}")
    page.wait_for_function("""() => {
        const gd = document.querySelector('#builds-detail-gantt .js-plotly-plot');
        return gd && gd.data && gd.data.length === 3; }""")
    page.click("#builds-detail-mark-save")  # no status chosen: the form has no default
    page.wait_for_selector("#builds-detail-mark-status-fb >> text=status must be one of")
    page.select_option("#builds-detail-mark-status", "cancelled")
    page.click("#builds-detail-mark-save")  # no reason yet
    page.wait_for_selector("#builds-detail-mark-reason.is-invalid")
    assert "say why" in page.inner_text("#builds-detail-mark-reason-fb")
    page.fill("#builds-detail-mark-reason", "runner stuck")
    page.click("#builds-detail-mark-save")
    page.wait_for_selector("#builds-detail-history >> text=runner stuck")
    with engine.connect() as c:
        assert c.scalar(text("select status from builds where id = :id"),
                        {"id": build_id}) == "cancelled"
        last = c.execute(text("select source, old_status, new_status, message, author "
                              "from status_updates where build_id = :id order by id desc"),
                         {"id": build_id}).first()
    assert tuple(last) == ("ui", "running", "cancelled", "runner stuck", "browser")


def test_it_posts_a_status_update_on_the_project_page(page, engine, build_id):
    page.goto(f"{page.base}/builds/web")
    settle(page)
    watch_for_text(page, "Posted.")
    page.click("#builds-project-tabs >> text=Post update")
    page.click("#builds-project-note-save")  # empty: the message field says so
    page.wait_for_selector("#builds-project-note-message.is-invalid")
    page.fill("#builds-project-note-message", "Release train leaves Friday")
    page.click("#builds-project-note-save")
    page.wait_for_selector("#builds-project-timeline >> text=Release train leaves Friday")
    wait_seen(page, "Posted.")
    with engine.connect() as c:
        row = c.execute(text("select source, author, build_id from status_updates "
                             "where message = 'Release train leaves Friday'")).one()
    assert tuple(row) == ("ui", "browser", None)


def test_it_shows_the_project_forms_errors_beside_their_fields(page, engine, build_id):
    page.goto(f"{page.base}/builds/web")
    settle(page)
    watch_for_text(page, "Project saved.")
    page.fill("#builds-project-edit-name", "")
    page.click("#builds-project-edit-save")
    page.wait_for_selector("#builds-project-edit-name.is-invalid")
    assert page.inner_text("#builds-project-edit-name-fb")
    page.fill("#builds-project-edit-name", "Web app")
    page.click("#builds-project-edit-save")
    wait_seen(page, "Project saved.")
    assert not page.locator("#builds-project-edit-name.is-invalid").count()
    with engine.connect() as c:
        assert c.scalar(text("select name from projects where slug = 'web'")) == "Web app"
    # The create form on /builds: a taken slug is refused beside the slug field.
    page.goto(f"{page.base}/builds")
    page.fill("#builds-new-slug", "web")
    page.fill("#builds-new-name", "Another web")
    page.click("#builds-new-submit")
    page.wait_for_selector("#builds-new-slug.is-invalid")
    assert "already exists" in page.inner_text("#builds-new-slug-fb")
