"""Shared fixtures: a real PostgreSQL (embedded by default, or JADUGAR_TEST_DATABASE_URL),
migrated once per session; the Dash app and its Flask client; API tokens; a live server."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import openapi_support
import psycopg
import pytest
from login_support import sign_in
from notify_receiver import receiver  # noqa: F401  (a fixture: a json:// notification target)
from pg_tuning import make_fast
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from support_processes import process_env, serving

from jadugar import auth, config, db, migrations

# pgserver (imported by some tests directly) warns without a private runtime folder.
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="jadugar-xdg-")



def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders of this run's own, outside /tmp/pytest-of-<user>.

    Embedded PostgreSQL runs as the user `pgserver` when the tests run as root, and opens up
    the folders above its data to reach it. pytest tightens /tmp/pytest-of-<user> back to
    0700 whenever a pytest process starts using it (each xdist worker, a nested pytest run),
    and a server restarted after that cannot reach its data ("Permission denied")."""
    if config.option.basetemp or hasattr(config, "workerinput"):
        return  # given by the caller, or by the xdist controller (its folder + popen-gwN)
    base = Path(tempfile.mkdtemp(prefix="jadugar-pytest-"))
    base.chmod(0o755)
    config.option.basetemp = str(base / "t")
    config.stash[_OWN_BASETEMP] = base


def pytest_unconfigure(config: pytest.Config) -> None:
    base = config.stash.get(_OWN_BASETEMP, None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


_OWN_BASETEMP = pytest.StashKey[Path]()

ALL_TABLES = text("""select string_agg(quote_ident(tablename), ', ') from pg_tables
                      where schemaname = 'public' and tablename <> 'alembic_version'""")


def _server_url(tmp_root: Path) -> str:
    external = os.environ.get("JADUGAR_TEST_DATABASE_URL")
    if external:
        return db.sqlalchemy_url(external)
    return _embedded_url(tmp_root)


_tuned: set[str] = set()


def _embedded_url(tmp_root: Path) -> str:
    url = db.embedded_url(tmp_root / "data")
    if url not in _tuned:
        make_fast(url)  # see pg_tuning.py: this run's server, never a shared one
        _tuned.add(url)
    return url


def _fresh_database(server_url: str) -> str:
    """A new, empty database on the test server, so runs never see each other's rows."""
    name = f"jadugar_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="jadugar-tests-") as d:
        path = Path(d)
        path.chmod(0o755)
        yield path


@pytest.fixture(scope="session")
def database_url(tmp_root: Path) -> Iterator[str]:
    url = _fresh_database(_server_url(tmp_root))
    cfg = config.load({"JADUGAR_DATABASE_URL": url, "JADUGAR_DATA_DIR": str(tmp_root / "app"),
                       "JADUGAR_SECRET_KEY": "test-secret",
                       # The whole run shares one address and few tokens; the limits have
                       # their own tests with their own settings.
                       "JADUGAR_API_RATE_LIMIT": "100000 per minute"})
    config.override(cfg)
    engine = db.make_engine(db.sqlalchemy_url(url))
    db.set_engine(engine)
    migrations.upgrade(engine)
    yield url
    engine.dispose()
    _drop_database(server_url=_server_url(tmp_root), url=url)


def _drop_database(server_url: str, url: str) -> None:
    """On a shared server the test databases would pile up run after run."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = make_url(url).database
            conn.execute(text(f'drop database if exists "{name}" with (force)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str):
    return db.engine()


@pytest.fixture
def conn(engine) -> Iterator[Connection]:
    """A connection whose transaction is rolled back after the test."""
    with engine.connect() as connection:
        trans = connection.begin()
        yield connection
        trans.rollback()


@pytest.fixture
def clean_db(engine) -> Iterator[None]:
    """For tests whose writes commit (API, processes): empty every table afterwards."""
    yield
    _truncate_all(engine)


def _truncate_all(engine, attempts: int = 5) -> None:
    """Empty every table the migrations made (not only the models': demo_marker, ...).

    A live server may still be answering the page a browser test just left: its reads take
    share locks on several tables in its own order, and PostgreSQL may pick the truncate as
    a deadlock's victim. That is a retry, not a failure. A connection leaked by a test (an
    unclosed streamed response) would make the truncate wait forever: fail loudly instead."""
    for attempt in range(attempts):
        try:
            with engine.begin() as c:
                c.execute(text("set local lock_timeout = '60s'"))
                tables = c.execute(ALL_TABLES).scalar_one()
                c.execute(text(f"truncate {tables} restart identity cascade"))
            return
        except DBAPIError as exc:
            if not isinstance(exc.orig, psycopg.errors.DeadlockDetected) or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


@pytest.fixture(scope="session")
def dash_app(database_url: str):
    import app as app_module

    app = app_module.create_app(config.get())
    yield app
    from jadugar.web import realtime

    realtime.stop_listener()  # before the database goes, not after


@pytest.fixture
def client(dash_app, clean_db):
    return dash_app.server.test_client()


@pytest.fixture
def make_token(engine, clean_db) -> Callable[[str], str]:
    def make(scope: str = "admin") -> str:
        with engine.begin() as c:
            return auth.create_token(c, f"test-{scope}", scope)[1]
    return make


@pytest.fixture
def api(client, make_token):
    """A Flask test client that sends an admin token: api.get('/projects')."""
    return ApiClient(client, make_token("admin"))


class ApiClient:
    def __init__(self, client, token: str) -> None:
        self.client, self.token = client, token

    def _call(self, method: str, path: str, **kw):
        headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
        response = getattr(self.client, method)("/api/v1" + path, headers=headers, **kw)
        openapi_support.check(method, path, response)
        return response

    def get(self, path: str, **kw):
        return self._call("get", path, **kw)

    def post(self, path: str, **kw):
        return self._call("post", path, **kw)

    def patch(self, path: str, **kw):
        return self._call("patch", path, **kw)

    def delete(self, path: str, **kw):
        return self._call("delete", path, **kw)


@pytest.fixture
def logged_in(client, engine):
    """The Flask test client signed in as an admin."""
    with engine.begin() as c:
        auth.create_user(c, "alice", "admin", "correct horse")
    assert sign_in(client, "alice", "correct horse").status_code == 302
    return client


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_root: Path) -> Iterator[str]:
    """`jadugar serve` in its own process on a free loopback port."""
    with serving(process_env(database_url, tmp_root), tmp_root) as base:
        yield base
