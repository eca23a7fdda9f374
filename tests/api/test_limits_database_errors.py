"""A database error that is not an outage is never a 503 "database unavailable": a value
the database refuses is the client's 4xx, anything else a 500, and only a lost or refused
connection is a 503. Each error here is raised by the real PostgreSQL."""

import secrets

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from jadugar import db
from jadugar.api import errors

# Each route runs real SQL through the app's engine; the name says what PostgreSQL answers.
STATEMENTS = {
    "index_row_too_large": ["create temp table t (v text unique)",
                            f"insert into t values ('{secrets.token_hex(5000)}')"],
    "division_by_zero": ["select 1 / 0"],
    "unique_violation": ["create temp table t (v int unique)",
                         "insert into t values (1), (1)"],
    "check_violation": ["create temp table t (v int check (v > 0))",
                        "insert into t values (-1)"],
    "statement_timeout": ["set local statement_timeout = 10", "select pg_sleep(1)"],
    "syntax_error": ["selec 1"],
    "admin_shutdown": ["select pg_terminate_backend(pg_backend_pid())"],
}


@pytest.fixture(scope="module")
def app(engine):
    app = Flask("database-errors")
    errors.install(app)

    @app.get("/api/<name>")
    def run(name: str):
        with db.transaction() as conn:
            for sql in STATEMENTS[name]:
                conn.execute(text(sql))
        return "not reached"

    @app.get("/api/raw/<name>")
    def run_raw(name: str):
        # psycopg's own exception, unwrapped, as COPY on the driver connection raises it
        with db.connection() as conn:
            conn.connection.driver_connection.execute(STATEMENTS[name][-1])
        return "not reached"

    @app.get("/api/busy")
    def busy():
        # A pool of one, held: the next checkout times out though PostgreSQL is up.
        small = db.make_engine(db.engine().url.render_as_string(hide_password=False),
                               timeout_s=0.2, pool_size=1, max_overflow=0)
        try:
            with small.connect(), small.connect():
                return "not reached"
        finally:
            small.dispose()

    return app


def test_it_says_busy_not_unavailable_when_every_pooled_connection_is_taken(app):
    r = app.test_client().get("/api/busy")
    assert r.status_code == 503 and r.json["error"]["code"] == "database_busy"


@pytest.mark.parametrize("name, status, code", [
    ("index_row_too_large", 422, "limit_exceeded"),
    ("division_by_zero", 422, "invalid"),
    ("check_violation", 422, "invalid"),
    ("unique_violation", 409, "conflict"),
    ("statement_timeout", 500, "internal"),
    ("syntax_error", 500, "internal"),
    ("admin_shutdown", 503, "database_unavailable"),
])
def test_it_answers_each_database_error_with_an_honest_status(app, name, status, code):
    r = app.test_client().get(f"/api/{name}")
    assert (r.status_code, r.json["error"]["code"]) == (status, code)


def test_it_names_the_limit_postgresql_hit(app):
    message = app.test_client().get("/api/index_row_too_large").json["error"]["message"]
    assert "too large for the database to store or index" in message
    assert "maximum" in message


def test_it_classifies_psycopg_errors_raised_bare(app):
    assert app.test_client().get("/api/raw/division_by_zero").status_code == 422


def test_it_answers_503_when_no_connection_slot_is_free(app, engine):
    with engine.begin() as c:
        c.execute(text("drop role if exists starved"))
        c.execute(text("create role starved login connection limit 0"))
    url = make_url(engine.url.render_as_string(hide_password=False)).set(username="starved")
    starved = db.make_engine(url.render_as_string(hide_password=False), timeout_s=1)
    db.set_engine(starved)
    try:
        r = app.test_client().get("/api/division_by_zero")
        assert r.status_code == 503 and r.json["error"]["code"] == "database_unavailable"
    finally:
        db.set_engine(engine)
        starved.dispose()
        with engine.begin() as c:
            c.execute(text("drop role starved"))


def test_it_answers_a_name_too_large_to_index_with_422_through_the_api(api):
    r = api.post("/notification-targets", json={"name": secrets.token_hex(50_000),
                                                "url": "json://127.0.0.1:9/"})
    assert r.status_code == 422 and r.json["error"]["code"] == "limit_exceeded"
    assert api.get("/notification-targets").json["items"] == []
