"""Issue 15: a status page's own header text, footer text (plain text, escaped) and logo
URL (https only), set through the API and shown on the public page."""

import pytest
from status_support import make_page


def _put(api, slug: str, body: dict):
    return api._call("put", f"/status-pages/{slug}", json=body)


def test_it_shows_the_header_footer_and_logo(api, client):
    make_page(api, "shop", header_text="Welcome to Acme.\nWe answer within an hour.",
              footer_text="© Acme Ltd", logo_url="https://cdn.acme.test/logo.png")
    page = api.get("/status-pages/public").json
    assert page["header_text"].startswith("Welcome") and page["footer_text"] == "© Acme Ltd"
    assert page["logo_url"] == "https://cdn.acme.test/logo.png"
    r = client.get("/status/public")
    body = r.get_data(as_text=True)
    assert 'id="status-header"' in body and "We answer within an hour." in body
    assert 'id="status-footer"' in body and "© Acme Ltd" in body
    assert '<img class="logo" src="https://cdn.acme.test/logo.png"' in body
    assert "img-src 'self' data: https://cdn.acme.test;" in r.headers["Content-Security-Policy"]


def test_header_and_footer_are_plain_text(api, client):
    make_page(api, "shop", header_text='<script>alert("x")</script>',
              footer_text="<a href='https://evil.test'>win</a>")
    r = client.get("/status/public")
    body = r.get_data(as_text=True)
    assert "<script>alert" not in body and "<a href='https://evil.test'>" not in body
    assert "&lt;script&gt;" in body and "&lt;a href=" in body
    assert "https://evil.test" not in r.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["http://acme.test/logo.png", "javascript:alert(1)",
                                 "data:image/png;base64,AAAA", "https://", "//acme.test/x",
                                 'https://acme.test/"onerror="x', "https://acme.test:99999/",
                                 42])
def test_a_logo_that_is_not_https_is_refused(api, url):
    make_page(api, "shop")
    r = _put(api, "public", {"title": "Acme", "applications": ["shop"], "logo_url": url})
    assert r.status_code == 422 and r.json["error"]["field"] == "logo_url", r.json
    assert api.get("/status-pages/public").json["logo_url"] is None


@pytest.mark.parametrize("text", ["x" * 2001, ["list"], 7])
def test_bad_texts_are_refused_naming_the_field(api, text):
    make_page(api, "shop")
    r = _put(api, "public", {"title": "Acme", "applications": ["shop"], "footer_text": text})
    assert r.status_code == 422 and r.json["error"]["field"] == "footer_text"


def test_a_put_without_them_clears_them(api, client):
    make_page(api, "shop", footer_text="Old footer")
    r = _put(api, "public", {"title": "Acme", "applications": ["shop"]})
    assert r.status_code == 200 and r.json["footer_text"] is None
    assert 'id="status-footer"' not in client.get("/status/public").get_data(as_text=True)
