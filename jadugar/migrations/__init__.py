"""Alembic migrations, run through code so `jadugar db upgrade` works from any folder."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations, then make sure today's and the next two days' partitions exist, so
    a fresh install (or one whose collector has not run yet) writes into daily partitions;
    the collector's job keeps a week ahead."""
    command.upgrade(alembic_config(engine), revision)
    from jadugar.services import partitions
    from jadugar.timeutil import utcnow

    with engine.begin() as conn:
        partitions.ensure(conn, utcnow(), days_ahead=2)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to `revision` (an id, or -1 for the last one): a rollback."""
    command.downgrade(alembic_config(engine), revision)


@functools.cache
def _head() -> str | None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(HERE))
    return ScriptDirectory.from_config(cfg).get_current_head()


def head_revision(engine: Engine | None = None) -> str | None:
    """The newest revision shipped with this code (read once: it cannot change at run time)."""
    return _head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision(engine)
