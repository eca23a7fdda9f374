"""Issue 15: scheduled maintenance on the status page, from the maintenance windows that
cover the page's applications: ongoing or starting within 7 days, title and times only."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from status_support import make_page

from jadugar.services.status_notices import maintenance_notices
from jadugar.timeutil import iso, utcnow


def _window(api, title: str, starts: datetime, hours: float = 2, **fields) -> None:
    r = api.post("/maintenance-windows", json={
        "title": title, "starts_at": iso(starts),
        "ends_at": iso(starts + timedelta(hours=hours)), **fields})
    assert r.status_code == 201, r.get_data(as_text=True)


def test_it_shows_ongoing_and_coming_windows_of_the_page_applications(api, client, engine):
    make_page(api, "shop")
    assert api.post("/applications", json={"slug": "intranet", "name": "Intranet"}
                    ).status_code == 201
    now = utcnow()
    _window(api, "Database upgrade", now + timedelta(days=2), application="shop")
    _window(api, "Happening now", now - timedelta(hours=1), application="shop")
    _window(api, "Too far ahead", now + timedelta(days=9), application="shop")
    _window(api, "Long over", now - timedelta(days=3), application="shop")
    _window(api, "Intranet move", now + timedelta(days=1), application="intranet")
    _window(api, "Everything, briefly", now + timedelta(days=3))
    with engine.begin() as c:
        shop = c.execute(text("select id from applications where slug = 'shop'")).scalar()
        check = c.execute(text("insert into health_checks (application_id, name, type, "
                               "target, interval_s) values (:a, 'home', 'http', "
                               "'https://example.test/', 60) returning id"),
                          {"a": shop}).scalar()
    _window(api, "One check only", now + timedelta(days=4), check_id=check)

    body = client.get("/status/public").get_data(as_text=True)
    assert "Scheduled maintenance" in body
    shown = body.split("Scheduled maintenance")[1]
    for title in ("Happening now", "Database upgrade", "Everything, briefly",
                  "One check only"):
        assert title in shown
    for title in ("Too far ahead", "Long over", "Intranet move"):
        assert title not in body
    assert shown.index("Happening now") < shown.index("Database upgrade")  # by start
    assert "In progress" in shown and "Scheduled" in shown


def test_a_page_with_no_maintenance_says_nothing_of_it(api, client):
    make_page(api, "shop")
    assert "Scheduled maintenance" not in client.get("/status/public").get_data(as_text=True)


def test_a_weekly_window_shows_its_current_or_next_occurrence(api, engine):
    make_page(api, "shop")
    first = datetime(2026, 11, 2, 22, 0, tzinfo=UTC)  # a Monday, 22:00-23:00 UTC
    _window(api, "Weekly patching", first, hours=1, application="shop",
            recurrence="weekly")
    with engine.connect() as c:
        page = c.execute(text("select id from status_pages where slug = 'public'")).scalar()
        during = maintenance_notices(c, page, datetime(2026, 11, 30, 22, 30, tzinfo=UTC))
        after = maintenance_notices(c, page, datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
        before = maintenance_notices(c, page, datetime(2026, 10, 29, 12, 0, tzinfo=UTC))
    assert [(n["starts_at"], n["ongoing"]) for n in during] == [
        (datetime(2026, 11, 30, 22, 0, tzinfo=UTC), True)]
    assert [(n["starts_at"], n["ends_at"], n["ongoing"]) for n in after] == [
        (datetime(2026, 12, 7, 22, 0, tzinfo=UTC), datetime(2026, 12, 7, 23, 0, tzinfo=UTC),
         False)]
    assert [n["starts_at"] for n in before] == [first]
    assert set(during[0]) == {"title", "starts_at", "ends_at", "ongoing"}
