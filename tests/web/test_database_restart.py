"""A real outage: stop the PostgreSQL the app is using, then start it again."""

import contextlib
import time

import pytest
from pg_tuning import retried
from sqlalchemy import text

from jadugar import auth, db, migrations


@pytest.fixture
def own_server(tmp_path, engine):
    import pgserver

    data = tmp_path / "pg"
    srv = retried(lambda: pgserver.get_server(data, cleanup_mode="stop"))
    url = db.sqlalchemy_url(srv.get_uri())
    own = db.make_engine(url, timeout_s=1)
    migrations.upgrade(own)
    db.set_engine(own)
    yield data, srv
    db.set_engine(engine)
    own.dispose()
    with contextlib.suppress(Exception):
        srv.cleanup()


@pytest.mark.slow
def test_it_serves_503_while_postgres_is_down_and_recovers_after(client, own_server):
    import pgserver

    data, srv = own_server
    with db.transaction() as c:
        _, token = auth.create_token(c, "t", "read")
        c.execute(text("insert into projects (slug, name) values ('p', 'P')"))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/projects", headers=headers).status_code == 200

    srv.psql("select 1")  # make sure it is the server we think it is
    srv.cleanup()  # stops PostgreSQL: we hold the only handle
    started = time.monotonic()
    r = client.get("/api/v1/projects", headers=headers)
    assert r.status_code == 503 and r.is_json
    assert time.monotonic() - started < 5

    again = retried(lambda: pgserver.get_server(data, cleanup_mode="stop"))
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = client.get("/api/v1/projects", headers=headers)
            if r.status_code == 200:
                break
            time.sleep(0.3)
        assert r.status_code == 200 and r.json["items"][0]["slug"] == "p"
    finally:
        again.cleanup()
