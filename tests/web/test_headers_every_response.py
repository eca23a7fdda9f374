"""Security headers on every response: pages, Dash's routes, static files, the API, the
public status page, the printable report and error pages. The CSP allows no inline script
except the ones we ship, by hash."""

import base64
import hashlib
import re

import pytest
from sqlalchemy import text

from jadugar.services import status_pages

PATHS = ["/", "/builds", "/login", "/logout", "/_dash-layout", "/_dash-dependencies",
         "/assets/jadugar.css", "/vendor/css/bootstrap.min.css", "/healthz", "/readyz",
         "/status/public", "/status/missing", "/api/v1/projects", "/api/v1/nope",
         "/api/v1/reports/sla.html", "/_dash-component-suites/dash/nope.js"]


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


@pytest.fixture
def public_page(engine, clean_db):
    with engine.begin() as c:
        c.execute(text("insert into applications (slug, name) values ('shop', 'Shop')"))
        status_pages.save_page(c, "public", "Acme status", None, ["shop"])


@pytest.mark.parametrize("who", ["anonymous", "signed in", "token"])
def test_it_sends_security_headers_on_every_response(who, dash_app, logged_in, make_token,
                                                     public_page):
    client = logged_in if who == "signed in" else dash_app.server.test_client()
    headers = {"Authorization": f"Bearer {make_token('read')}"} if who == "token" else {}
    for path in PATHS:
        r = client.get(path, headers=headers)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["X-Frame-Options"] == "DENY", path
        assert r.headers["Referrer-Policy"] == "same-origin", path
        csp = _directives(r.headers["Content-Security-Policy"])
        assert csp["frame-ancestors"] == ["'none'"] and csp["default-src"] == ["'self'"], path
        assert "'unsafe-inline'" not in csp["script-src"] and "*" not in csp["script-src"]


def _inline_scripts(html: str) -> list[str]:
    """Executable inline scripts (JSON data blocks and Dash's IE warning inside an HTML
    comment are not scripts to the browser)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    found = re.findall(r"<script((?:(?!src=)[^>])*)>(.*?)</script>", html, re.S)
    return [body for attrs, body in found if "application/json" not in attrs]


@pytest.mark.parametrize("path", ["/", "/status/public"])
def test_it_allows_exactly_the_inline_scripts_it_ships(path, logged_in, public_page):
    r = logged_in.get(path)
    allowed = _directives(r.headers["Content-Security-Policy"])["script-src"]
    scripts = _inline_scripts(r.get_data(as_text=True))
    assert scripts
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:200]
