"""The public status page is plain server-rendered HTML, reachable without a session."""

from datetime import timedelta

from monitoring_factory import add_history, make_app, make_check
from sqlalchemy import text

from jadugar.services import status_pages
from jadugar.timeutil import utcnow


def test_it_shows_chosen_applications_without_login_and_nothing_private(client, engine):
    with engine.begin() as c:
        shown = make_app(c, "shop", status="down")
        hidden = make_app(c, "internal-admin")
        check = make_check(c, shown, name="db-primary-check")
        make_check(c, hidden, name="hidden-check", target="https://hidden.example")
        add_history(c, check, utcnow() - timedelta(hours=2), "uuxx")
        c.execute(text("insert into alerts (check_id, application_id, title, message) values "
                       "(:c, :a, 'db-primary-check failed', 'password=hunter2')"),
                  {"c": check, "a": shown})
        status_pages.save_page(c, "public", "Acme status", None, ["shop"])
    r = client.get("/status/public")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "Shop" in body and "Outage" in body
    assert "Ongoing incident" in body
    for secret in ("secret-internal.example", "hunter2", "db-primary-check", "boom",
                   "Internal-Admin", "hidden"):
        assert secret not in body


def test_it_answers_404_for_an_unknown_page(client):
    assert client.get("/status/nope").status_code == 404
