"""Badges: served as SVG for a public application (parsed here as XML), with the very same
404 for a private application and for one that does not exist."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from jadugar.services import applications, checks, rollups
from jadugar.services.history import Row, write_results
from jadugar.timeutil import utcnow

SVG = "{http://www.w3.org/2000/svg}"
KINDS = ("status.svg", "uptime.svg?days=30", "response.svg")


@pytest.fixture
def apps(engine, client):
    """shop (public) with a day of results, vault (private) with the same."""
    now = utcnow()
    with engine.begin() as c:
        for slug, public in (("shop", True), ("vault", False)):
            applications.create_application(c, {"slug": slug, "name": slug.title(),
                                                 "public": public})
            check = checks.create_check(c, slug, {"name": "web", "type": "tcp",
                                                  "target": "127.0.0.1:9", "interval_s": 60})
            write_results(c, [Row(check.id, now - timedelta(hours=h), "local",
                                  "down" if h == 5 else "up", response_ms=40.0 + h)
                              for h in range(1, 48)])
            write_results(c, [Row(check.id, now, "local", "up", response_ms=42.0)])
        rollups.rebuild(c, now - timedelta(days=3), now + timedelta(hours=1))
    return client


def _texts(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    assert root.tag == f"{SVG}svg"
    return [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("kind", KINDS)
def test_it_serves_a_public_applications_badge_as_svg(apps, kind):
    r = apps.get(f"/badge/shop/{kind}")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert "max-age" in r.headers["Cache-Control"]
    assert len(_texts(r.data)) == 4  # label and message, each with its shadow


def test_it_says_the_status_uptime_and_response_time(apps):
    assert _texts(apps.get("/badge/shop/status.svg").data)[2] == "up"
    label, _, uptime, _ = _texts(apps.get("/badge/shop/uptime.svg?days=30").data)
    assert label == "uptime 30d" and uptime.endswith("%") and uptime != "100.00%"
    assert _texts(apps.get("/badge/shop/response.svg").data)[2].endswith(" ms")


def test_it_draws_a_dark_badge_on_request(apps):
    light = apps.get("/badge/shop/status.svg").data
    dark = apps.get("/badge/shop/status.svg?theme=dark").data
    assert light != dark and _texts(dark) == _texts(light)


@pytest.mark.parametrize("kind", KINDS)
def test_a_private_and_an_unknown_application_get_identical_404s(apps, kind):
    private = apps.get(f"/badge/vault/{kind}")
    unknown = apps.get(f"/badge/no-such-app/{kind}")
    assert private.status_code == unknown.status_code == 404
    assert private.data == unknown.data
    assert sorted(private.headers.items()) == sorted(unknown.headers.items())
    assert b"vault" not in private.data


def test_a_private_application_with_a_bad_parameter_still_gets_the_404(apps):
    assert apps.get("/badge/vault/uptime.svg?days=x&theme=pink").status_code == 404


def test_it_refuses_a_bad_days_or_theme_naming_it(apps):
    r = apps.get("/badge/shop/uptime.svg?days=0")
    assert r.status_code == 422 and b"days must be a whole number from 1 to 365" in r.data
    r = apps.get("/badge/shop/status.svg?theme=pink")
    assert r.status_code == 422 and b"theme must be one of light, dark" in r.data


def test_making_an_application_public_through_the_api_opens_its_badges(api):
    api.post("/applications", json={"slug": "blog", "name": "Blog"})
    assert api.client.get("/badge/blog/status.svg").status_code == 404
    r = api.patch("/applications/blog", json={"public": True})
    assert r.status_code == 200 and r.json["public"] is True
    assert api.client.get("/badge/blog/status.svg").status_code == 200


def test_the_openapi_document_describes_the_badges_outside_the_api(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for kind in ("status", "uptime", "response"):
        badge = paths[f"/badge/{{slug}}/{kind}.svg"]
        assert badge["servers"] == [{"url": "/"}]
        assert "image/svg+xml" in badge["get"]["responses"]["200"]["content"]
