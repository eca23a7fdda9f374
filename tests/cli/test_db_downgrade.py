"""`jadugar db downgrade REV` undoes migrations for a rollback, and `jadugar db current`
says where the database stands. On a database of its own: the suite's stays at head."""

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from migration_support import new_database
from sqlalchemy import Engine, inspect

from jadugar import db, migrations
from jadugar.cli import main


@pytest.fixture
def own_database(engine) -> Iterator[Engine]:
    """A new, empty database installed as the process engine for the test."""
    with new_database(engine) as fresh:
        db.set_engine(fresh)
        try:
            yield fresh
        finally:
            db.set_engine(engine)


def _run(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def test_it_downgrades_one_step_and_upgrades_again(own_database):
    _run("db", "upgrade")
    head = migrations.head_revision()
    _run("db", "downgrade", "-1")
    below = migrations.current_revision(own_database)
    assert below is not None and below != head
    assert f"database: {below}" in _run("db", "current")
    _run("db", "upgrade")
    assert migrations.current_revision(own_database) == head


def test_it_downgrades_every_migration_to_an_empty_database(own_database):
    _run("db", "upgrade")
    _run("db", "downgrade", "base")
    tables = set(inspect(own_database).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_it_names_an_unknown_revision(own_database):
    _run("db", "upgrade")
    r = CliRunner().invoke(main, ["db", "downgrade", "no-such-revision"])
    assert r.exit_code == 2 and "REVISION" in r.output
