"""Login and logout need this browser's CSRF token, so another site can neither sign a
victim in as the attacker (a hidden auto-submitted form) nor sign them out (a link)."""

import pytest
from login_support import csrf_token, sign_out

from jadugar import auth


@pytest.fixture
def mallory(engine, clean_db):
    with engine.begin() as c:
        auth.create_user(c, "mallory", "viewer", "attacker-pass")


def _signed_in(client) -> bool:
    return client.get("/builds").status_code == 200


def test_it_refuses_a_cross_site_login_form_without_a_token(client, mallory):
    r = client.post("/login", data={"username": "mallory", "password": "attacker-pass"})
    assert r.status_code == 400 and "came from another site" in r.get_data(as_text=True)
    assert client.get_cookie("session") is None or not _signed_in(client)


def test_it_refuses_a_login_with_another_browsers_token(dash_app, client, mallory):
    attacker = dash_app.server.test_client()
    stolen = csrf_token(attacker)
    csrf_token(client)  # the victim has a session of their own
    r = client.post("/login", data={"username": "mallory", "password": "attacker-pass",
                                    "csrf_token": stolen})
    assert r.status_code == 400 and not _signed_in(client)


def test_it_does_not_log_out_on_a_get(logged_in):
    r = logged_in.get("/logout")
    assert r.status_code == 200 and 'method="post"' in r.get_data(as_text=True)
    assert _signed_in(logged_in)


def test_it_refuses_a_logout_post_without_the_token(logged_in):
    assert logged_in.post("/logout").status_code == 400
    assert logged_in.post("/logout", data={"csrf_token": "guess"}).status_code == 400
    assert _signed_in(logged_in)


def test_it_logs_out_with_the_token(logged_in):
    assert sign_out(logged_in).headers["Location"] == "/login"
    assert not _signed_in(logged_in)


def _find(node, component_id):
    """The props of the component with `component_id` in a Dash layout tree."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == component_id:
            return props
        children = props.get("children")
        for child in children if isinstance(children, list) else [children]:
            found = _find(child, component_id)
            if found:
                return found
    return None


def test_it_puts_a_post_form_with_the_token_in_the_navbar(logged_in):
    layout = logged_in.get("/_dash-layout").json
    form = _find(layout, "shell-logout-form")
    assert (form["action"], form["method"]) == ("/logout", "POST")
    token = _find(layout, "shell-logout-csrf")["value"]
    assert logged_in.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not _signed_in(logged_in)
