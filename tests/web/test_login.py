from login_support import sign_in, sign_out

from jadugar import auth, config


def test_it_sends_a_visitor_without_a_session_to_login(client):
    r = client.get("/builds")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_it_serves_a_login_form_with_username_and_password(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html


def test_it_signs_in_and_redirects(client, engine):
    with engine.begin() as c:
        auth.create_user(c, "bob", "viewer", "s3cret-pass")
    r = sign_in(client, "bob", "s3cret-pass", next="/builds")
    assert r.status_code == 302 and r.headers["Location"] == "/builds"
    assert client.get("/builds").status_code == 200


def test_it_refuses_a_wrong_password(client, engine):
    with engine.begin() as c:
        auth.create_user(c, "bob", "viewer", "s3cret-pass")
    r = sign_in(client, "bob", "nope")
    assert r.status_code == 401 and "Wrong user name or password" in r.get_data(as_text=True)


def test_it_never_redirects_off_site_after_login(client, engine):
    with engine.begin() as c:
        auth.create_user(c, "bob", "viewer", "s3cret-pass")
    r = sign_in(client, "bob", "s3cret-pass", next="//evil.example/")
    assert r.headers["Location"] == "/"


def test_it_guards_the_dash_data_routes_too(client):
    assert client.get("/_dash-layout").status_code == 401
    assert client.post("/_dash-update-component", json={}).status_code == 401


def test_it_logs_out(logged_in):
    assert logged_in.get("/").status_code == 200
    sign_out(logged_in)
    assert logged_in.get("/").status_code == 302


def test_it_lets_anonymous_visitors_read_when_enabled(client):
    previous = config.get()
    config.override(previous.replace(anonymous_view=True))
    try:
        assert client.get("/builds").status_code == 200
        assert client.get("/_dash-layout").status_code == 200
        assert client.get("/api/v1/projects").status_code == 401  # the API still needs a token
    finally:
        config.override(previous)
