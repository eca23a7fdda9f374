"""A database of its own for a migration test, beside the test database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text

from jadugar import db


@contextmanager
def new_database(engine: Engine) -> Iterator[Engine]:
    """An empty database on `engine`'s server (the test migrates it where it needs), dropped
    afterwards."""
    name = f"jadugar_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'create database "{name}"'))
    fresh = db.make_engine(engine.url.set(database=name))
    try:
        yield fresh
    finally:
        fresh.dispose()
        with admin.connect() as c:
            c.execute(text(f'drop database "{name}" with (force)'))
        admin.dispose()
