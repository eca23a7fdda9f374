"""A PostgreSQL that fault tests may stop and start: an embedded server of their own (the
session's server is shared by every other test), with a migrated template database, so a
fresh database per test is a quick copy."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

from pg_tuning import make_fast, retried
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from jadugar import db, migrations

TEMPLATE = "fault_template"


class FaultServer:
    """The embedded PostgreSQL in `folder`, started, with the template migrated."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.start()
        self.admin_url = db.sqlalchemy_url(self.server.get_uri())
        make_fast(self.admin_url)
        with self._admin() as c:
            c.execute(text(f"create database {TEMPLATE}"))
        engine = db.make_engine(self.url(TEMPLATE))
        migrations.upgrade(engine)
        engine.dispose()

    def url(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def new_database(self, empty: bool = False) -> str:
        """A fresh database, migrated (or `empty`, e.g. to restore a backup into)."""
        name = f"fault_{uuid.uuid4().hex[:10]}"
        with self._admin() as c:
            c.execute(text(f"create database {name}" + ("" if empty else f" template {TEMPLATE}")))
        return self.url(name)

    @contextlib.contextmanager
    def _admin(self):
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as c:
                yield c
        finally:
            admin.dispose()

    def stop(self) -> None:
        self.server.cleanup()  # this process holds the only handle: PostgreSQL stops

    def start(self) -> None:
        import pgserver

        self.server = retried(lambda: pgserver.get_server(self.folder, cleanup_mode="stop"))


class OwnDatabase:
    """A fresh migrated database on the fault server; `stop()` really stops PostgreSQL,
    `start()` brings the same data back."""

    def __init__(self, server: FaultServer) -> None:
        self.server = server
        self.url = server.new_database()
        self.engine: Engine = db.make_engine(self.url, timeout_s=1)

    def stop(self) -> None:
        self.engine.dispose()
        self.server.stop()

    def start(self) -> None:
        self.server.start()
