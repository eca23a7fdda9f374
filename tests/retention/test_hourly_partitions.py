"""history_hourly, the live hourly count behind the overview and status pages, is
partitioned by month (migration 0021) and kept for the 1-hour retention: old months are
dropped whole, never deleted row by row, and the trigger on `history` still keeps it
current."""

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from migration_support import new_database
from monitoring_factory import add_history, make_app, make_check
from sqlalchemy import text

from jadugar import config, migrations
from jadugar.services import partitions, rollups

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
KIND = "select relkind from pg_class where relname = :t"
HOURLY = "select * from history_hourly order by check_id, hour"


def _months(conn, check):
    return conn.execute(text("""select distinct date_trunc('month', hour, 'UTC')::date
        from history_hourly where check_id = :c order by 1"""), {"c": check}).scalars().all()


def test_old_months_of_the_hourly_count_are_dropped_whole(no_row_deletes):
    conn = no_row_deletes
    start = datetime(2026, 1, 20, tzinfo=UTC)
    partitions.ensure(conn, start, days_ahead=160, tables=["history", "history_hourly"])
    check = make_check(conn, make_app(conn, "shop"))
    add_history(conn, check, start, "u" * 140, step=timedelta(days=1))  # Jan 20 .. Jun 8
    assert len(_months(conn, check)) == 6
    dropped = partitions.apply_retention(conn, NOW, {"history_hourly": 60})
    # Cut-off 16 April: the months that end before it go, April itself stays.
    assert {"history_hourly_p202601", "history_hourly_p202602",
            "history_hourly_p202603"} <= set(dropped)
    assert "history_hourly_p202604" not in dropped
    assert [m.month for m in _months(conn, check)] == [4, 5, 6]


def test_the_hourly_count_is_kept_for_the_1_hour_retention():
    cfg = config.load({"JADUGAR_RETENTION_1H_DAYS": "400"})
    assert rollups.retention_days(cfg)["history_hourly"] == 400
    assert "history_hourly" in partitions.PLAN


@pytest.fixture
def at_0020(engine):
    """A new database at revision 0020 with an hourly count over two months."""
    with new_database(engine) as fresh:
        command.upgrade(migrations.alembic_config(fresh), "0020")
        with fresh.begin() as c:
            check = make_check(c, make_app(c, "shop"))
            add_history(c, check, datetime(2026, 3, 30, tzinfo=UTC), "uxud" * 30,
                        step=timedelta(minutes=97))
        yield fresh


def test_the_migration_keeps_every_hourly_row_both_ways(at_0020):
    with at_0020.connect() as c:
        before = c.execute(text(HOURLY)).all()
    assert len(before) > 100
    command.upgrade(migrations.alembic_config(at_0020), "0021")
    with at_0020.begin() as c:
        assert c.execute(text(KIND), {"t": "history_hourly"}).scalar_one() == "p"
        assert c.execute(text(HOURLY)).all() == before
        assert c.execute(text("select count(*) from history_hourly_p202604")).scalar_one() > 0
        assert c.execute(text("select count(*) from history_hourly_default")).scalar_one() == 0
        # The trigger on history writes into the new table.
        check = c.execute(text("select id from health_checks")).scalar_one()
        add_history(c, check, datetime(2026, 4, 1, 0, 45, tzinfo=UTC), "x")
        total = c.execute(text("""select total from history_hourly where check_id = :c
            and hour = '2026-04-01 00:00+00'"""), {"c": check}).scalar_one()
        assert total == 1 + next(r.total for r in before
                                 if r.hour == datetime(2026, 4, 1, tzinfo=UTC))
        after = c.execute(text(HOURLY)).all()
    command.downgrade(migrations.alembic_config(at_0020), "0020")
    with at_0020.connect() as c:
        assert c.execute(text(KIND), {"t": "history_hourly"}).scalar_one() == "r"
        assert c.execute(text(HOURLY)).all() == after
