"""Fixtures for the test-results tests (helpers in junit_support.py)."""

import pytest
from junit_support import Builds
from sqlalchemy import text


@pytest.fixture
def ci(api) -> Builds:
    return Builds(api)


@pytest.fixture
def no_row_deletes(conn):
    """Any DELETE of a test_results row fails the test; dropping a partition fires nothing
    (the trigger is cloned onto every partition)."""
    conn.execute(text("""create function pg_temp.refuse_delete() returns trigger
        language plpgsql as $$ begin raise exception 'row deleted from %', tg_table_name;
        end $$"""))
    conn.execute(text("create trigger refuse_delete before delete on test_results "
                      "for each row execute function pg_temp.refuse_delete()"))
    return conn
