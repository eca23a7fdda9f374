"""A primary and a streaming replica of it (replica_support), a migrated database on them,
and `jadugar serve` reading from the replica: once per module, it takes a while."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from replica_support import Primary, Standby, wait_until
from sqlalchemy import Engine, create_engine, text
from support_processes import process_env, serving

from jadugar import auth, db, migrations

DATABASE = "jadugar"


@dataclass
class Replicated:
    primary: Engine  # the jadugar database on the primary
    replica: Engine  # the same database on the standby, autocommit
    primary_url: str
    replica_url: str
    folder: Path


@pytest.fixture(scope="module")
def replicated() -> Iterator[Replicated]:
    with tempfile.TemporaryDirectory(prefix="jadugar-replica-") as d:
        folder = Path(d)
        folder.chmod(0o755)
        primary = Primary(folder / "primary")
        standby = None
        try:
            standby = Standby(primary, folder / "standby")
            # Made after the copy, so the database and its schema reach the standby by
            # streaming, not in the base backup.
            with primary.engine(isolation_level="AUTOCOMMIT").connect() as c:
                c.execute(text(f'create database "{DATABASE}"'))
            primary_url = primary.url.replace("/postgres?", f"/{DATABASE}?", 1)
            writer = db.make_engine(primary_url)
            migrations.upgrade(writer)
            reader = create_engine(standby.database_url(DATABASE), isolation_level="AUTOCOMMIT")
            wait_until(lambda: migrations.current_revision(reader) is not None, 30,
                       what="the schema on the replica")
            yield Replicated(writer, reader, primary_url, standby.database_url(DATABASE),
                             folder)
            writer.dispose()
            reader.dispose()
        finally:
            if standby is not None:
                standby.stop()
            primary.stop()


@pytest.fixture(scope="module")
def replica_server(replicated: Replicated) -> Iterator[str]:
    """`jadugar serve` with JADUGAR_DATABASE_URL on the primary and JADUGAR_READ_DATABASE_URL
    on the replica. A browser's own write keeps it on the primary for a minute here, so a
    slow machine cannot make the read-your-writes check flaky."""
    env = process_env(replicated.primary_url, replicated.folder,
                      JADUGAR_READ_DATABASE_URL=replicated.replica_url,
                      JADUGAR_READ_AFTER_WRITE_S="60", JADUGAR_READ_LAG_NOTE_S="0.5")
    with serving(env, replicated.folder) as base:
        yield base


@pytest.fixture(scope="module")
def admin_token(replicated: Replicated) -> str:
    with replicated.primary.begin() as c:
        auth.create_user(c, "rita", "admin", "replica-pass-1")
        return auth.create_token(c, "replica-test", "admin")[1]
