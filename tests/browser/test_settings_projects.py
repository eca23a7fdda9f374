"""Settings → Projects: webhook secrets are written, never shown back."""

import pytest
from monitoring_browser import choose
from sqlalchemy import select

from jadugar import models
from jadugar.services import projects

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROW = "#set-projects-list tr[data-key=shop]"


def _secrets(engine) -> tuple:
    # Through the table, which decrypts: the raw column holds only ciphertext.
    table = models.project_webhook_secrets
    with engine.connect() as c:
        found = dict(c.execute(select(table.c.source, table.c.secret)
                               .join(models.projects)
                               .where(models.projects.c.slug == "shop")).all())
    return found.get("github"), found.get("gitlab")


def _wait_unset_count(page, n: int) -> None:
    """Wait until the row shows `n` secrets as "not set" (the list re-renders after a save)."""
    page.wait_for_function(
        "n => ((document.querySelector('#set-projects-list tr[data-key=shop]') || {})"
        ".textContent || '').split('not set').length - 1 === n", arg=n)


def test_it_sets_a_projects_webhook_secrets_without_showing_them(page, engine):
    with engine.begin() as c:
        projects.create_project(c, {"slug": "shop", "name": "Shop"})
    page.goto(page.base + "/settings?tab=set-projects")
    page.wait_for_selector(ROW)
    assert page.inner_text(f"{ROW}").count("not set") == 2

    choose(page, "set-projects-project", "shop")
    page.click("#set-projects-save")
    page.wait_for_selector("#set-projects-github_webhook_secret-error:has-text('GitHub')")

    page.fill("#set-projects-github_webhook_secret", "gh-very-secret")
    page.click("#set-projects-save")
    _wait_unset_count(page, 1)
    page.wait_for_selector("#set-projects-message:has-text('Saved the webhook secrets of shop')")
    assert page.input_value("#set-projects-github_webhook_secret") == ""
    assert "gh-very-secret" not in page.content()
    assert _secrets(engine) == ("gh-very-secret", None)

    page.fill("#set-projects-gitlab_webhook_token", "gl-token")
    page.click("#set-projects-save")
    _wait_unset_count(page, 0)
    assert _secrets(engine) == ("gh-very-secret", "gl-token")  # the GitHub one was kept

    page.click(f"{ROW} >> text=Clear secrets")
    page.click("#set-projects-confirm-ok")  # the modal naming it
    page.wait_for_selector("#set-projects-message:has-text('Secrets cleared.')")
    assert _secrets(engine) == (None, None)
