"""Shared steps of CLI commands: migrations first, errors as readable one-liners."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from jadugar import config, db, migrations
from jadugar.errors import JadugarError


@contextlib.contextmanager
def transaction() -> Iterator[Connection]:
    """A migrated database and one transaction; Jadugar errors become CLI errors."""
    try:
        migrations.upgrade(db.engine())
        with db.transaction() as conn:
            yield conn
    except JadugarError as exc:
        where = f" ({exc.field})" if exc.field else ""
        raise click.ClickException(exc.message + where) from None
    except OperationalError as exc:
        raise click.ClickException(f"database unavailable: {str(exc).splitlines()[0]}") from None


def load_demo(cfg: config.Config) -> bool:
    from jadugar.services import demo

    url = db.database_url(cfg)
    # The demo's database check targets our own database, but never copies a password
    # into a check definition that every reader of the API can see.
    target = None if make_url(url).password else url.replace("postgresql+psycopg", "postgresql")
    with transaction() as conn:
        return demo.load(conn, self_url=f"http://{cfg.host}:{cfg.port}", database_url=target)
