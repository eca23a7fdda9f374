"""db.read_connection(): the primary when no replica is set, and READ ONLY everywhere, so a
write slipped into a page read fails in tests too. The replica's lag and its note."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import InternalError

from jadugar import db
from jadugar.services import replica
from jadugar.ui import replica_note


def test_it_reads_the_primary_without_a_replica(engine):
    assert not db.has_replica()
    assert db.read_engine() is db.engine()


def test_it_refuses_writes_on_a_read_connection(engine):
    with db.read_connection() as conn, pytest.raises(InternalError, match="read-only"):
        conn.execute(text("create temp table sneaky (a int)"))


def test_it_returns_the_connection_to_the_pool_writable(engine):
    with db.read_connection() as conn:
        conn.execute(text("select 1"))
    with db.connection() as conn:
        assert conn.execute(text("show transaction_read_only")).scalar_one() == "off"


def test_it_reports_no_lag_on_the_primary(engine):
    with db.read_connection() as conn:
        assert replica.lag_seconds(conn) == 0.0


@pytest.mark.parametrize("lag,note", [
    (0.0, None), (5.0, None), (5.2, "Data may be up to 6 s behind"),
    (None, "Data may be behind"),
])
def test_it_notes_a_lag_above_the_threshold(lag, note):
    shown = replica_note.note(lag, 5.0)
    assert shown is None if note is None else shown.startswith(note)
