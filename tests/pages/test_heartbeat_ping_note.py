"""Issue 13, finding 4: a heartbeat's ping URL was shown once, when the check was made, and
never again. The application page now shows each heartbeat's ping URL and a curl line to
those who may edit checks, and to nobody else (the token is the heartbeat's credential)."""

from __future__ import annotations

from typing import Any

from component_walk import walk
from flask_login import login_user

from jadugar import auth
from jadugar.services import applications, checks


def _page_as(dash_app, engine, role: str) -> dict[str, Any]:
    from pages import monitoring_app

    with engine.begin() as c:
        user = auth.create_user(c, f"ping-{role}", role, "callback-pass")
    with dash_app.server.test_request_context("/monitoring/nightly"):
        login_user(user)
        parts = walk(monitoring_app.layout(slug="nightly"))
    return {p.id: getattr(p, "children", None) for p in parts
            if isinstance(getattr(p, "id", None), str)}


def test_the_application_page_shows_a_heartbeats_ping_url_to_admins_only(dash_app, engine,
                                                                          clean_db):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "nightly", "name": "Nightly"})
        beat = checks.create_check(c, "nightly", {"name": "etl", "type": "heartbeat",
                                                   "interval_s": 86400})
        token = c.exec_driver_sql("select heartbeat_token from health_checks where id = %s",
                                  (beat.id,)).scalar()
    admin = _page_as(dash_app, engine, "admin")
    url = admin[f"mapp-{beat.id}-ping-url"]
    assert url.endswith(f"/api/v1/heartbeat/{token}")
    assert f'curl -fsS -m 10 --retry 3 --data-binary @job.log "{url}/$?"' in \
        admin[f"mapp-{beat.id}-ping-snippet"]
    assert all(token not in str(v) for v in _page_as(dash_app, engine, "viewer").values())
