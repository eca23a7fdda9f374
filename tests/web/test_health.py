import time

import pytest

from jadugar import db


def test_it_is_alive(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_it_is_ready_with_a_migrated_database(client):
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json["migrations"] == "current"


@pytest.fixture
def database_down(engine):
    """Point the process at a port where nothing listens, then put the real engine back."""
    dead = db.make_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere", timeout_s=1)
    db.set_engine(dead)
    yield
    dead.dispose()
    db.set_engine(engine)


def test_it_answers_503_quickly_when_the_database_is_unreachable(client, make_token,
                                                                 database_down):
    token = "jdg_anything"
    started = time.monotonic()
    r = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 503 and r.json["error"]["code"] == "database_unavailable"
    assert client.get("/readyz").status_code == 503
    assert time.monotonic() - started < 5


def test_it_recovers_when_the_database_returns(client, make_token, engine):
    token = make_token("read")
    dead = db.make_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere", timeout_s=1)
    db.set_engine(dead)
    try:
        assert client.get("/api/v1/projects",
                          headers={"Authorization": f"Bearer {token}"}).status_code == 503
    finally:
        db.set_engine(engine)
        dead.dispose()
    assert client.get("/api/v1/projects",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 200
