"""Migration 0009 turns `history` and `metrics` into partitioned tables keeping every row,
and its downgrade turns them back. On a database of its own, migrated step by step."""

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from migration_support import new_database
from sqlalchemy import text

from jadugar import migrations

T0 = datetime(2026, 3, 30, 22, 0, tzinfo=UTC)
ROWS = """select 'h', check_id::text, ts::text, location, status, response_ms::text from history
          union all select 'm', series_id::text, ts::text, value::text, '', '' from metrics
          order by 1, 2, 3, 4"""
KIND = "select relkind from pg_class where relname = :t"


@pytest.fixture
def old_engine(engine):
    """A new database at revision 0008, with results and points over four UTC days."""
    with new_database(engine) as fresh:
        command.upgrade(migrations.alembic_config(fresh), "0008")
        with fresh.begin() as c:
            app = c.execute(text("insert into applications (slug, name) values ('shop', 'Shop') "
                                 "returning id")).scalar_one()
            check = c.execute(text("""insert into health_checks (application_id, name, type,
                target, interval_s) values (:a, 'api', 'http', 'https://x.example', 60)
                returning id"""), {"a": app}).scalar_one()
            series = c.execute(text("insert into metric_series (application_id, name) values "
                                    "(:a, 'rps') returning id"), {"a": app}).scalar_one()
            for i in range(0, 72 * 60, 7):
                ts = T0 + timedelta(minutes=i)
                c.execute(text("insert into history (check_id, ts, location, status, response_ms)"
                               " values (:c, :t, 'eu', 'up', :ms), (:c, :t, 'us', 'down', null)"),
                          {"c": check, "t": ts, "ms": i % 500})
                c.execute(text("insert into metrics values (:s, :t, :v)"),
                          {"s": series, "t": ts, "v": i * 0.5})
        yield fresh


def test_it_keeps_every_row_through_upgrade_and_downgrade(old_engine):
    with old_engine.connect() as c:
        before = c.execute(text(ROWS)).all()
        hourly = c.execute(text("select * from history_hourly order by 1, 2")).all()
    command.upgrade(migrations.alembic_config(old_engine), "0009")
    with old_engine.connect() as c:
        assert c.execute(text(KIND), {"t": "history"}).scalar_one() == "p"
        assert c.execute(text(KIND), {"t": "metrics"}).scalar_one() == "p"
        assert c.execute(text(ROWS)).all() == before
        assert c.execute(text("select count(*) from history_default")).scalar_one() == 0
        assert c.execute(text("select count(*) from history_p20260402")).scalar_one() > 0
        # The hourly rollup was not counted twice by the copy.
        assert c.execute(text("select * from history_hourly order by 1, 2")).all() == hourly
    command.downgrade(migrations.alembic_config(old_engine), "0008")
    with old_engine.connect() as c:
        assert c.execute(text(KIND), {"t": "history"}).scalar_one() == "r"
        assert c.execute(text(ROWS)).all() == before
        assert c.execute(text("select count(*) from pg_class where relname ~ "
                              "'^history_p[0-9]{8}$'")).scalar_one() == 0


def test_it_keeps_the_keys_and_the_hourly_trigger_after_the_upgrade(old_engine):
    command.upgrade(migrations.alembic_config(old_engine), "0009")
    with old_engine.begin() as c:
        check = c.execute(text("select id from health_checks")).scalar_one()
        new = T0 + timedelta(days=10)
        c.execute(text("insert into history (check_id, ts, status) values (:c, :t, 'up')"),
                  {"c": check, "t": new})
        dup = c.execute(text("""insert into history (check_id, ts, status)
            values (:c, :t, 'up') on conflict (check_id, ts, location) do nothing"""),
            {"c": check, "t": new}).rowcount
        assert dup == 0
        assert c.execute(text("select total from history_hourly where hour = :t"),
                         {"t": new}).scalar_one() == 1
