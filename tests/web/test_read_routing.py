"""Read your own writes (jadugar/web/read_routing.py): a request that writes earns a cookie,
and requests that bring a fresh one read the primary. On a small Flask app of its own, with
the real database."""

from __future__ import annotations

import pytest
from flask import Flask, jsonify

from jadugar import config, db
from jadugar.web import read_routing


@pytest.fixture
def app(engine):
    cfg = config.get().replace(read_database_url="postgresql://replica.invalid/jadugar",
                               read_after_write_s=5.0)
    server = Flask("routing-test")
    read_routing.install(server, cfg)

    @server.post("/save")
    def save():
        with db.transaction():
            pass
        return "", 204

    @server.post("/look")
    def look():
        routing = db.current_routing()
        return jsonify(primary=bool(routing and routing.primary))

    return server


def test_it_gives_a_writing_request_the_cookie(app):
    client = app.test_client()
    assert client.post("/look").json == {"primary": False}
    response = client.post("/save")
    assert read_routing.COOKIE in response.headers["Set-Cookie"]
    assert "Max-Age=5" in response.headers["Set-Cookie"]
    assert client.post("/look").json == {"primary": True}


def test_it_gives_no_cookie_to_a_request_that_only_reads(app):
    assert "Set-Cookie" not in app.test_client().post("/look").headers


def test_it_forgets_the_routing_when_the_request_ends(app):
    app.test_client().post("/save")
    assert db.current_routing() is None


@pytest.mark.parametrize("cookie,now,fresh", [
    ("100.0", 103.0, True), ("100.0", 105.0, True), ("100.0", 105.5, False),
    # written "a little in the future": the rounding of the cookie's three decimals, or
    # another machine's clock (a CI run failed on the rounding); far ahead is not fresh
    ("100.001", 100.0006, True), ("100.0", 99.5, True), ("100.0", 98.5, False),
    ("", 100.0, False), (None, 100.0, False), ("soon", 100.0, False),
])
def test_it_counts_a_write_as_recent_within_the_window(cookie, now, fresh):
    assert read_routing.wrote_recently(cookie, 5.0, now) is fresh


def test_it_installs_nothing_without_a_replica():
    server = Flask("no-replica")
    read_routing.install(server, config.load({}))
    assert not server.before_request_funcs
