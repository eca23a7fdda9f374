"""Fixtures for the data lifecycle tests: a guard that fails any row-by-row DELETE."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from jadugar.services import partitions

NO_DELETES = """
create function pg_temp.refuse_delete() returns trigger language plpgsql as $$
begin raise exception 'row deleted from %', tg_table_name; end $$;
"""


@pytest.fixture
def no_row_deletes(conn: Connection) -> Connection:
    """A BEFORE DELETE row trigger on each partitioned table: PostgreSQL clones it onto
    every partition, present and future, so any DELETE of a row fails the test, while
    DROP TABLE of a partition fires nothing."""
    conn.execute(text(NO_DELETES))
    for table in partitions.PLAN:
        conn.execute(text(f"create trigger refuse_delete before delete on {table} "
                          "for each row execute function pg_temp.refuse_delete()"))
    return conn
