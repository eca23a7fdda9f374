"""What the session cookie looks like: a new session id at every login, persistent for
JADUGAR_SESSION_DAYS, HttpOnly and SameSite=Lax, Secure when it should be, no remember cookie,
and a server-side row touched at most once a minute."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from login_support import csrf_token, sign_in
from sqlalchemy import text

from jadugar import auth, config


@pytest.fixture
def alice(engine, clean_db):
    with engine.begin() as c:
        auth.create_user(c, "alice", "viewer", "correct horse")


@pytest.fixture
def settings():
    previous = config.get()
    yield lambda **changes: config.override(previous.replace(**changes))
    config.override(previous)


def _session_id(dash_app, client) -> str:
    value = client.get_cookie("session").value
    data = dash_app.server.session_interface.get_signing_serializer(dash_app.server).loads(value)
    return data["jadugar_sid"]


def _login_cookie(client, **headers) -> str:
    token = csrf_token(client)
    r = client.post("/login", headers=headers, data={
        "username": "alice", "password": "correct horse", "csrf_token": token})
    assert r.status_code == 302
    return next(v for v in r.headers.getlist("Set-Cookie") if v.startswith("session="))


def test_it_gives_each_login_a_new_session_id(dash_app, client, engine, alice):
    sign_in(client, "alice", "correct horse")
    first = _session_id(dash_app, client)
    sign_in(client, "alice", "correct horse")
    second = _session_id(dash_app, client)
    assert first != second
    with engine.connect() as c:
        ids = c.execute(text("select id from web_sessions")).scalars().all()
    assert len(ids) == 2 and first not in ids  # the table keeps only a digest


def test_it_sets_one_persistent_http_only_same_site_cookie(client, alice):
    cookie = _login_cookie(client)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    days = config.get().session_days
    assert abs(expires - (datetime.now(UTC) + timedelta(days=days))) < timedelta(minutes=5)
    assert client.get_cookie("remember_token") is None


def test_it_marks_the_cookie_secure_when_the_setting_says_so(client, alice, settings):
    settings(secure_cookies=True)
    assert "Secure" in _login_cookie(client)


def test_it_marks_the_cookie_secure_behind_a_trusted_https_proxy(client, alice, settings):
    settings(trusted_proxies=1)
    assert "Secure" in _login_cookie(client, **{"X-Forwarded-Proto": "https"})


def test_it_ignores_forwarded_headers_without_trusted_proxies(client, alice, settings):
    settings(trusted_proxies=0)
    assert "Secure" not in _login_cookie(client, **{"X-Forwarded-Proto": "https"})


def test_it_records_where_a_session_came_from(client, engine, alice, settings):
    settings(trusted_proxies=1)
    _login_cookie(client, **{"X-Forwarded-For": "203.0.113.9", "User-Agent": "probe/1"})
    with engine.connect() as c:
        row = c.execute(text("select address, user_agent from web_sessions")).one()
    assert tuple(row) == ("203.0.113.9", "probe/1")


def test_it_touches_last_seen_at_most_once_a_minute(client, engine, alice):
    sign_in(client, "alice", "correct horse")
    seen = "select last_seen_at from web_sessions"
    with engine.connect() as c:
        first = c.execute(text(seen)).scalar_one()
    client.get("/builds")
    with engine.connect() as c:
        assert c.execute(text(seen)).scalar_one() == first
    with engine.begin() as c:
        c.execute(text("update web_sessions set last_seen_at = now() - interval '2 minutes'"))
    client.get("/builds")
    with engine.connect() as c:
        assert c.execute(text(seen)).scalar_one() > first
