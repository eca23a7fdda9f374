"""Settings writes are decided on the server, from the policy table. The pages hide what a
role may not use, so these tests forge what a browser could still send: the Dash callback
requests themselves, taken from /_dash-dependencies (finding 7: the editor role in the UI
was wider than in the API)."""

from policy_support import add_user, dependencies, post, sign_in
from sqlalchemy import text

from jadugar.services import applications, checks

REFUSED = (401, 403)
CHECK_SAVE = "set-checks-changed.data <- set-checks-save"
CHECK_FORM = {"set-checks-application": "shop", "set-checks-name": "forged",
              "set-checks-type": "http", "set-checks-target": "http://169.254.169.254/",
              "set-checks-interval_s": 60, "set-checks-method": "GET",
              "set-checks-follow_redirects": True, "set-checks-verify_tls": True}


def _signed_in(client, engine, role: str):
    add_user(engine, f"user-{role}", role)
    sign_in(client, f"user-{role}")
    return dependencies(client)


def _app_with_check(engine) -> int:
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        return checks.create_check(c, "shop", {
            "name": "db", "type": "http", "interval_s": 60,
            "target": "https://monitor:hunter2@db.internal/health"}).id


def _count(engine, table: str) -> int:
    with engine.connect() as c:
        return c.execute(text(f"select count(*) from {table}")).scalar_one()


def test_it_refuses_a_viewer_who_forges_admin_settings_writes(client, engine, dash_app):
    deps = _signed_in(client, engine, "viewer")
    made = post(client, deps, "set-users-changed.data <- set-users-save", {
        "set-users-username": "mallory", "set-users-role": "admin",
        "set-users-password": "mallory-pass"})
    assert made.status_code == 403 and "admin" in made.get_data(as_text=True)
    made = post(client, deps, "set-tokens-changed.data <- set-tokens-save",
                {"set-tokens-name": "sneaky", "set-tokens-scope": "admin"})
    assert made.status_code == 403
    with engine.connect() as c:
        assert c.execute(text("select username from users")).scalars().all() == ["user-viewer"]
    assert _count(engine, "api_tokens") == 0


def test_it_refuses_a_viewer_the_admin_areas_list(client, engine, dash_app):
    deps = _signed_in(client, engine, "viewer")
    r = post(client, deps, "set-users-table.children <- set-users-changed", {})
    assert r.status_code == 403 and "users.read needs the admin role" in r.get_data(as_text=True)


def test_it_refuses_an_editor_who_forges_a_new_check(client, engine, dash_app):
    _app_with_check(engine)
    deps = _signed_in(client, engine, "editor")
    r = post(client, deps, CHECK_SAVE, CHECK_FORM)
    assert r.status_code == 403, r.get_data(as_text=True)[:300]
    assert _count(engine, "health_checks") == 1


def test_it_refuses_an_editor_the_check_edit_form_with_its_credentials(client, engine,
                                                                        dash_app):
    check_id = _app_with_check(engine)
    deps = _signed_in(client, engine, "editor")
    r = post(client, deps, "set-checks-application.value <- {set-checks-edit}",
             clicked={"set-checks-edit": {"key": str(check_id)}})
    assert r.status_code == 403
    assert "hunter2" not in r.get_data(as_text=True)


def test_it_refuses_an_editor_who_forges_a_check_delete(client, engine, dash_app):
    check_id = _app_with_check(engine)
    deps = _signed_in(client, engine, "editor")
    r = post(client, deps, "set-checks-changed.data <- set-checks-confirm-ok",
             {"set-checks-pending": str(check_id)})
    assert r.status_code == 403
    assert _count(engine, "health_checks") == 1


def test_it_refuses_an_editor_who_forges_an_alert_rule(client, engine, dash_app):
    check_id = _app_with_check(engine)
    before = _count(engine, "alert_rules")  # a new check may come with default rules
    deps = _signed_in(client, engine, "editor")
    r = post(client, deps, "rules-changed.data <- rules-save", {
        "rules-check_id": check_id, "rules-kind": "consecutive_failures",
        "rules-threshold": 3, "rules-severity": "critical", "rules-repeat_s": 3600,
        "rules-for_s": 0})
    assert r.status_code == 403
    assert _count(engine, "alert_rules") == before


def test_it_lets_an_admin_create_a_check_through_the_same_callback(client, engine, dash_app):
    _app_with_check(engine)
    deps = _signed_in(client, engine, "admin")
    r = post(client, deps, CHECK_SAVE, {**CHECK_FORM,
                                        "set-checks-target": "https://shop.example/health"})
    assert r.status_code == 200 and "Created forged" in r.get_data(as_text=True)
    assert _count(engine, "health_checks") == 2
