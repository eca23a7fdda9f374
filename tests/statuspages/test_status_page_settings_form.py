"""Issue 15: the Settings form for a new status page takes header text, footer text and a
logo URL; a logo that is not https is refused under its field and nothing is created."""

from policy_support import add_user, dependencies, post, sign_in
from sqlalchemy import text

from jadugar.services import applications

SAVE = "set-pages-changed.data <- set-pages-save"
FORM = {"set-pages-slug": "public", "set-pages-title": "Acme status",
        "set-pages-applications": ["shop"], "set-pages-header_text": "Hello <b>all</b>",
        "set-pages-footer_text": "Bye", "set-pages-logo_url": "https://cdn.acme.test/l.png"}


def _admin(client, engine):
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
    add_user(engine, "admin-user", "admin")
    sign_in(client, "admin-user")
    return dependencies(client)


def test_it_creates_a_page_with_header_footer_and_logo(client, engine, dash_app):
    deps = _admin(client, engine)
    assert post(client, deps, SAVE, FORM).status_code == 200
    body = client.get("/status/public").get_data(as_text=True)
    assert "Hello &lt;b&gt;all&lt;/b&gt;" in body and "Bye" in body
    assert 'src="https://cdn.acme.test/l.png"' in body


def test_it_refuses_an_http_logo_under_its_field(client, engine, dash_app):
    deps = _admin(client, engine)
    r = post(client, deps, SAVE, {**FORM, "set-pages-logo_url": "http://cdn.acme.test/l.png"})
    out = r.json["response"]
    assert out["set-pages-logo_url-error"]["children"] == "logo_url must be an https:// URL"
    with engine.connect() as c:
        assert c.execute(text("select count(*) from status_pages")).scalar() == 0
