"""Issue 15: "everything is readable by anonymous visitors with no private data. A test
checks what leaks." The page and its feed are read anonymously with a page full of private
things next door: check names, targets and errors, alert titles, who posted, database ids,
applications that are not on the page and their maintenance."""

from datetime import timedelta

import pytest
from monitoring_factory import add_history, make_check
from sqlalchemy import text
from status_support import make_page, post_incident, post_update

from jadugar.services import status_incidents
from jadugar.timeutil import iso, utcnow

# Identity values no other number on a page is likely to be: if one shows, an id leaked.
IDS = {"status_incidents": 987654321, "applications": 876543219, "health_checks": 765432198,
       "status_pages": 654321987}
PRIVATE = ["secret-internal.example", "password=hunter2", "latency-probe", "p95 over 800",
           "Intranet", "intranet", "Move the intranet racks", "alice-the-author", "token",
           *map(str, IDS.values())]


@pytest.fixture
def busy_page(api, engine):
    with engine.begin() as c:
        for table, value in IDS.items():
            c.execute(text(f"select setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"{value - 1})"))
    make_page(api, "shop", header_text="Hello", footer_text="Bye")
    assert api.post("/applications", json={"slug": "intranet", "name": "Intranet"}
                    ).status_code == 201
    now = utcnow()
    with engine.begin() as c:
        shop, intranet = (c.execute(text("select id from applications where slug = :s"),
                                    {"s": s}).scalar() for s in ("shop", "intranet"))
        check = make_check(c, shop, name="latency-probe")
        add_history(c, check, now - timedelta(minutes=10), "uuxxx")
        c.execute(text("insert into alerts (check_id, application_id, title, severity) "
                       "values (:c, :a, 'latency-probe p95 over 800 ms', 'critical')"),
                  {"c": check, "a": shop})
        make_check(c, intranet, name="intranet-home")
        # Posted by a person (the API's tokens post as "token"): the name must not show.
        status_incidents.open_incident(c, "public", {
            "title": "Checkout errors", "impact": "major",
            "message": "We are looking into failed payments."}, "alice-the-author")
    incident = post_incident(api, "Search is slow", "minor", "Looking into it.")
    assert incident["id"] == IDS["status_incidents"] + 1  # so the ids above are in use
    post_update(api, incident["id"], "identified", "An index is missing.")
    r = api.post("/maintenance-windows", json={
        "title": "Move the intranet racks", "application": "intranet",
        "starts_at": iso(now + timedelta(days=1)), "ends_at": iso(now + timedelta(days=1,
                                                                                 hours=2))})
    assert r.status_code == 201
    return incident


def test_the_page_shows_the_public_and_nothing_private(busy_page, app_anonymous):
    r = app_anonymous.get("/status/public")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    for public in ("Checkout errors", "We are looking into failed payments.", "Search is slow",
                   "An index is missing.", "Shop", "Hello", "Bye"):
        assert public in body
    for private in PRIVATE:
        assert private not in body, private


def test_the_feed_shows_the_public_and_nothing_private(busy_page, app_anonymous):
    r = app_anonymous.get("/status/public/feed.atom")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    for public in ("Checkout errors", "We are looking into failed payments.",
                   "An index is missing."):
        assert public in body
    for private in PRIVATE:
        assert private not in body, private


@pytest.fixture
def app_anonymous(client):
    """The test client with no session and no token: an anonymous visitor."""
    client.delete_cookie("session")
    return client
