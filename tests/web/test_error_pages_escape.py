"""Error pages outside the API are HTML, so they escape what came from the request: a slug
like <img onerror=...> once ran as script on the status page's 404."""

from jadugar.web import error_page

ATTACK = "<img src=x onerror=alert(1)>"


def test_it_escapes_the_slug_of_a_missing_status_page(client):
    r = client.get(f"/status/{ATTACK}")
    body = r.get_data(as_text=True)
    assert r.status_code == 404 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert '<a href="/"' in body  # the way back to the dashboard


def test_it_escapes_any_error_message_outside_the_api(dash_app):
    with dash_app.server.test_request_context("/x"):
        r = error_page.render(f'no page "{ATTACK}"', 503)
    body = r.get_data(as_text=True)
    assert r.status_code == 503 and "<img" not in body and "&#34;" in body


def test_it_keeps_api_errors_as_json(client):
    r = client.get(f"/api/v1/status-pages/{ATTACK}")
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"


def test_it_renders_a_method_not_allowed_page_with_its_allow_header(client):
    r = client.put("/healthz")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
