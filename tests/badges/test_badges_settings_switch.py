"""Settings → Applications: the Badges switch makes an application public, and back."""

from __future__ import annotations

from flask_login import login_user

from jadugar import auth
from jadugar.services import applications
from jadugar.ui.settings_areas import APPLICATIONS
from jadugar.ui.settings_section import save


def _save(dash_app, admin, public) -> tuple:
    form = {"slug": "shop", "name": "Shop", "environment": "", "owner": "", "tags": "",
            "projects": [], "public": public}
    with dash_app.server.test_request_context("/settings"):
        login_user(admin)
        return save(APPLICATIONS, 1, *[form[n] for n in APPLICATIONS.names], 0)


def test_the_switch_makes_an_application_public_and_private_again(dash_app, engine, clean_db):
    with engine.begin() as c:
        admin = auth.create_user(c, "admin-badges", "admin", "callback-pass")
    for public in (True, False):
        assert _save(dash_app, admin, public)[0] == 1
        with engine.begin() as c:
            assert applications.get_application(c, "shop").public is public
