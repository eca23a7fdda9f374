"""Flask's own not-found responses (a missing status page, a missing static file) share the
look of the Dash not-found page and offer a way back: to the section the address was in,
and to the dashboard."""

from jadugar.ui.not_found import WayBack, ways_back


def test_it_offers_the_section_and_the_dashboard():
    assert ways_back("/builds/web/123") == [WayBack("/builds", "Back to Builds"),
                                            WayBack("/", "Dashboard")]
    assert ways_back("/monitoring/nope") == [WayBack("/monitoring", "Back to Monitoring"),
                                             WayBack("/", "Dashboard")]


def test_it_never_echoes_an_unknown_section_as_a_link():
    assert ways_back("/<script>/x") == [WayBack("/", "Dashboard")]
    assert ways_back(None) == [WayBack("/", "Dashboard")]


def test_it_renders_a_missing_file_as_the_not_found_page(client):
    r = client.get("/vendor/css/no-such.css")
    body = r.get_data(as_text=True)
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert 'class="not-found"' in body and '<a href="/" class="btn btn-primary">' in body
    # It follows the reader's light or dark mode before the first paint.
    assert body.index('<script src="/assets/theme.js">') < body.index("bootstrap.min.css")
