"""Finding 2: nothing outside the demo linked an application to its projects. Settings →
Applications now has a projects picker (an existing slug changes that application), and the
link shows on both pages: the application's and the project's."""

from __future__ import annotations

from typing import Any

from component_walk import walk
from flask_login import login_user

from jadugar import auth
from jadugar.services import applications, projects
from jadugar.ui.settings_areas import APPLICATIONS
from jadugar.ui.settings_section import save


def _save(dash_app, admin, **values: Any) -> tuple:
    form = {"slug": "shop", "name": "Shop", "environment": "", "owner": "", "tags": "",
            "projects": [], "public": False, **values}
    with dash_app.server.test_request_context("/settings"):
        login_user(admin)
        return save(APPLICATIONS, 1, *[form[n] for n in APPLICATIONS.names], 0)


def test_it_links_and_relinks_an_application_from_the_settings_form(dash_app, engine,
                                                                     clean_db):
    with engine.begin() as c:
        admin = auth.create_user(c, "admin-links", "admin", "callback-pass")
        for slug in ("shop-repo", "infra"):
            projects.create_project(c, {"slug": slug, "name": slug})
    assert _save(dash_app, admin, projects=["shop-repo"])[0] == 1
    assert _save(dash_app, admin, name="The shop", projects=["infra", "shop-repo"])[0] == 1
    with engine.begin() as c:
        app = applications.get_application(c, "shop")
    assert (app.name, app.projects) == ("The shop", ["infra", "shop-repo"])


def test_the_link_shows_on_the_application_and_the_project_page(dash_app, engine, clean_db):
    from pages import build_project, monitoring_app

    with engine.begin() as c:
        projects.create_project(c, {"slug": "shop-repo", "name": "Shop repository"})
        applications.create_application(c, {"slug": "shop", "name": "Shop",
                                             "projects": ["shop-repo"]})
    with dash_app.server.test_request_context("/monitoring/shop"):
        on_app = walk(monitoring_app.layout(slug="shop"))
        on_project = walk(build_project.layout(slug="shop-repo"))
    assert "/builds/shop-repo" in [getattr(p, "href", None) for p in on_app]
    assert "/monitoring/shop" in [getattr(p, "href", None) for p in on_project]
