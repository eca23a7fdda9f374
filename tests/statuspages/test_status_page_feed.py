"""Issue 15: /status/<slug>/feed.atom, the page's incidents with their updates as Atom,
parsed by a real feed parser (feedparser)."""

import feedparser
from status_support import make_page, post_incident, post_update


def _feed(client, slug: str = "public"):
    r = client.get(f"/status/{slug}/feed.atom")
    assert r.status_code == 200
    assert r.mimetype == "application/atom+xml"
    return r, feedparser.parse(r.data)


def test_it_is_valid_atom_with_one_entry_per_incident(api, client):
    make_page(api, "shop")
    older = post_incident(api, "Slow search", "minor", "Searches take seconds.")
    post_update(api, older["id"], "resolved", "Index rebuilt.")
    post_incident(api, "Checkout errors", "critical", "Payments fail.")
    r, feed = _feed(client)
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Acme status"
    assert feed.feed.link.endswith("/status/public")
    assert [e.title for e in feed.entries] == ["Checkout errors", "Slow search"]
    slow = feed.entries[1]
    assert slow.id.startswith("urn:uuid:") and slow.updated_parsed and slow.published_parsed
    assert slow.link.endswith("/status/public#" + slow.link.split("#")[1])
    assert slow.tags[0].term == "minor"
    text = slow.content[0].value
    assert "Resolved" in text and "Index rebuilt." in text and "Searches take seconds." in text
    assert text.index("Index rebuilt.") < text.index("Searches take seconds.")


def test_an_entry_keeps_its_id_when_an_update_is_posted(api, client):
    make_page(api, "shop")
    incident = post_incident(api, "Checkout errors", "major", "Looking.")
    _, before = _feed(client)
    post_update(api, incident["id"], "identified", "A bad deploy.")
    _, after = _feed(client)
    assert before.entries[0].id == after.entries[0].id
    assert after.entries[0].updated_parsed >= before.entries[0].updated_parsed
    assert "A bad deploy." in after.entries[0].content[0].value


def test_the_page_links_its_feed(api, client):
    make_page(api, "shop")
    body = client.get("/status/public").get_data(as_text=True)
    assert 'type="application/atom+xml"' in body and 'href="/status/public/feed.atom"' in body


def test_a_page_without_incidents_has_an_empty_valid_feed(api, client):
    make_page(api, "shop")
    _, feed = _feed(client)
    assert feed.bozo == 0 and feed.entries == [] and feed.feed.title == "Acme status"


def test_titles_with_markup_stay_text(api, client):
    make_page(api, "shop")
    post_incident(api, "<b>Bold</b> & co", "major", "<script>alert(1)</script>")
    r, feed = _feed(client)
    assert b"<script>" not in r.data and b"<b>" not in r.data
    assert feed.entries[0].title == "<b>Bold</b> & co"


def test_an_unknown_page_has_no_feed(client):
    assert client.get("/status/no-such-page/feed.atom").status_code == 404
