"""Backup and restore with PostgreSQL's own tools, as the README tells operators to:
`pg_dump --format=custom`, then `pg_restore` into a fresh, empty database. The restored
database holds the same rows in every table, is at the current migration, and the app
pointed at it serves the same projects, builds, applications and checks, to the same
API token."""

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from jadugar import auth, db, migrations
from jadugar.services import applications, builds, checks, history, metrics

pytestmark = pytest.mark.slow


def _pg_bin(name: str) -> str:
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_it_serves_the_same_data_from_a_restored_backup(own_db, fault_server, tmp_path,
                                                        client):
    token = _fill(own_db.engine)
    dump = tmp_path / "jadugar.dump"
    subprocess.run([_pg_bin("pg_dump"), "--format=custom", f"--file={dump}",
                    _libpq(own_db.url)], check=True, capture_output=True, timeout=60)
    restored_url = fault_server.new_database(empty=True)
    subprocess.run([_pg_bin("pg_restore"), "--exit-on-error", "--no-owner",
                    f"--dbname={_libpq(restored_url)}", str(dump)],
                   check=True, capture_output=True, timeout=60)
    restored = db.make_engine(restored_url)
    try:
        assert migrations.is_current(restored)
        assert _fingerprint(restored) == _fingerprint(own_db.engine)
        assert _api(client, own_db.engine, token) == _api(client, restored, token)
    finally:
        restored.dispose()


def _fill(engine) -> str:
    """A little of everything the app stores; returns an API token."""
    now = datetime.now(UTC).replace(microsecond=0)
    with engine.begin() as c:
        _, token = auth.create_token(c, "backup", "read")
        auth.create_user(c, "keeper", "admin", "keeper-password")
        c.execute(text("insert into projects (slug, name) values ('web', 'Web')"))
        for n in range(5):
            builds.submit(c, "web", {"external_id": f"b{n}", "status": "success",
                                     "branch": "main"})
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        check = checks.create_check(c, "shop", {"name": "home", "type": "http",
                                                "target": "http://127.0.0.1:9/",
                                                "interval_s": 60})
        history.write_results(c, [history.Row(check.id, now - timedelta(minutes=i), "here",
                                              "up" if i % 4 else "down", 12.5, 200)
                                  for i in range(30)])
        metrics.ingest(c, [("shop", "orders", {"region": "eu"}, float(i),
                            now - timedelta(minutes=i)) for i in range(30)])
    return token


def _fingerprint(engine) -> dict[str, str]:
    """Each table's rows, hashed in a stable order."""
    with engine.connect() as c:
        tables = c.execute(text("select tablename from pg_tables where schemaname = 'public' "
                                "order by 1")).scalars().all()
        return {t: c.execute(text(f"select count(*) || ':' || coalesce(md5(string_agg("
                                  f"x::text, '|' order by x::text)), '') from {t} x"))
                .scalar_one() for t in tables}


def _api(client, engine, token: str) -> list:
    """What the API answers with `engine` as the app's database."""
    headers = {"Authorization": f"Bearer {token}"}
    before = db.engine()
    db.set_engine(engine)
    try:
        answers = []
        for path in ("/projects", "/projects/web", "/projects/web/builds", "/applications",
                     "/applications/shop", "/applications/shop/checks",
                     "/applications/shop/metrics"):
            r = client.get("/api/v1" + path, headers=headers)
            assert r.status_code == 200, (path, r.json)
            answers.append(r.json)
        check_id = answers[5]["items"][0]["id"]
        r = client.get(f"/api/v1/checks/{check_id}/history", headers=headers)
        answers.append(r.json)
        return answers
    finally:
        db.set_engine(before)
