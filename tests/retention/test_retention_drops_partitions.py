from datetime import UTC, datetime, timedelta

import pytest
from monitoring_factory import add_history, make_app, make_check
from sqlalchemy import text

from jadugar import config
from jadugar.services import partitions

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
START = datetime(2026, 1, 10, tzinfo=UTC)


def _count(conn, check):
    return conn.execute(text("select count(*) from history where check_id = :c"),
                        {"c": check}).scalar_one()


def test_it_drops_whole_old_partitions_and_deletes_no_row(no_row_deletes):
    conn = no_row_deletes
    partitions.ensure(conn, START, days_ahead=25, tables=["history"])
    check = make_check(conn, make_app(conn, "shop"))
    add_history(conn, check, START, "u" * 22, step=timedelta(days=1))  # Jan 10 .. Jan 31
    dropped = partitions.apply_retention(conn, NOW, {"history": 14})
    # Kept: every day that ends after Jan 18 12:00, that is Jan 18 onwards.
    assert "history_p20260117" in dropped and "history_p20260118" not in dropped
    assert _count(conn, check) == 14
    oldest = conn.execute(text("select min(ts) from history where check_id = :c"),
                          {"c": check}).scalar_one()
    assert oldest == datetime(2026, 1, 18, tzinfo=UTC)


def test_it_drops_old_rows_stranded_in_the_default_partition_with_a_partition(
        no_row_deletes):
    conn = no_row_deletes
    check = make_check(conn, make_app(conn, "shop"))
    conn.execute(text("drop trigger refuse_delete on history"))
    add_history(conn, check, datetime(2025, 6, 1, tzinfo=UTC), "uuu")  # to the default
    partitions.apply_retention(conn, NOW, {"history": 14})
    assert _count(conn, check) == 0
    assert conn.execute(text("select count(*) from history_default")).scalar_one() == 0


def test_it_keeps_what_the_rollups_have_not_read_yet(conn):
    partitions.ensure(conn, START, days_ahead=25, tables=["history"])
    check = make_check(conn, make_app(conn, "shop"))
    add_history(conn, check, START, "u" * 22, step=timedelta(days=1))
    partitions.apply_retention(conn, NOW, {"history": 14},
                               keep_after={"history": datetime(2026, 1, 12, tzinfo=UTC)})
    assert _count(conn, check) == 20


def test_it_keeps_everything_when_the_retention_is_zero(conn):
    partitions.ensure(conn, START, days_ahead=25, tables=["history"])
    assert partitions.apply_retention(conn, NOW, {"history": 0}) == []


def test_it_refuses_a_coarser_rollup_kept_shorter_than_a_finer_one():
    with pytest.raises(config.ConfigError, match="JADUGAR_RETENTION_1H_DAYS"):
        config.load({"JADUGAR_RETENTION_1M_DAYS": "90", "JADUGAR_RETENTION_1H_DAYS": "30"})
    defaults = config.load({})
    assert (defaults.retention_raw_days, defaults.retention_1m_days,
            defaults.retention_1h_days, defaults.retention_1d_days) == (14, 90, 730, 0)
