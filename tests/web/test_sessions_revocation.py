"""A session cookie stops working the moment its session ends: logout, a password change
(CLI or Settings), or deactivation, even for a copy taken before."""

from click.testing import CliRunner
from login_support import sign_in, sign_out
from sqlalchemy import text

from jadugar import auth
from jadugar.cli import main
from jadugar.services import users


def _signed_in(dash_app, engine, name="alice"):
    with engine.begin() as c:
        auth.create_user(c, name, "admin", "correct horse")
    client = dash_app.server.test_client()
    assert sign_in(client, name, "correct horse").status_code == 302
    assert client.get("/builds").status_code == 200
    return client


def _copy(dash_app, client):
    """Another browser holding the same cookie (an attacker who copied it)."""
    thief = dash_app.server.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _refused(client) -> bool:
    r = client.get("/builds")
    return r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_it_refuses_a_cookie_copied_before_logout(dash_app, engine, clean_db):
    client = _signed_in(dash_app, engine)
    thief = _copy(dash_app, client)
    assert thief.get("/builds").status_code == 200
    sign_out(client)
    assert _refused(client) and _refused(thief)


def test_it_refuses_an_old_cookie_after_a_password_change_from_the_cli(dash_app, engine,
                                                                         clean_db):
    thief = _copy(dash_app, _signed_in(dash_app, engine))
    r = CliRunner().invoke(main, ["user", "password", "alice"])
    assert r.exit_code == 0, r.output
    assert _refused(thief)


def test_it_refuses_an_old_cookie_after_a_password_reset_in_settings(dash_app, engine,
                                                                       clean_db):
    thief = _copy(dash_app, _signed_in(dash_app, engine, "bob"))
    with engine.begin() as c:
        uid = c.execute(text("select id from users where username = 'bob'")).scalar_one()
        users.reset_password(c, uid)
    assert _refused(thief)


def test_it_refuses_every_cookie_of_a_deactivated_user_even_after_reactivation(
        dash_app, engine, clean_db):
    with engine.begin() as c:
        auth.create_user(c, "root", "admin", "root-password")  # so bob is not the last admin
    thief = _copy(dash_app, _signed_in(dash_app, engine, "bob"))
    with engine.begin() as c:
        uid = c.execute(text("select id from users where username = 'bob'")).scalar_one()
        users.set_active(c, uid, False)
    assert _refused(thief)
    with engine.begin() as c:
        users.set_active(c, uid, True)
    assert _refused(thief)


def test_it_refuses_a_session_past_its_expiry(dash_app, engine, clean_db):
    client = _signed_in(dash_app, engine)
    with engine.begin() as c:
        c.execute(text("update web_sessions set expires_at = now() - interval '1 second'"))
    assert _refused(client)


def test_it_ignores_a_legacy_remember_cookie(dash_app, engine, clean_db):
    """Flask-Login's remember cookie was `<id>|HMAC(id)`: the same on every login and valid
    for a year. It no longer signs anyone in."""
    from flask_login.utils import encode_cookie

    _signed_in(dash_app, engine)
    with engine.connect() as c:
        uid = c.execute(text("select id from users where username = 'alice'")).scalar_one()
    with dash_app.server.test_request_context():
        remember = encode_cookie(str(uid))
    stranger = dash_app.server.test_client()
    stranger.set_cookie("remember_token", remember)
    assert _refused(stranger)
