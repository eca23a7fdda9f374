"""test_results lives in daily partitions like history: made ahead by the partitions job,
dropped whole by retention (JADUGAR_RETENTION_TEST_RESULTS_DAYS), never row by row."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from jadugar import config
from jadugar.services import partitions, rollups, test_ingest
from jadugar.services.projects import create_project

T0 = datetime(2025, 3, 10, 9, tzinfo=UTC)


def _build_with_results(conn, at):
    create_project(conn, {"slug": "web", "name": "Web"})
    build_id = conn.execute(text("""insert into builds (project_id, kind, status, source,
        created_at) select id, 'build', 'success', 'api', :at from projects
        where slug = 'web' returning id"""), {"at": at}).scalar_one()
    test_ingest.ingest(conn, build_id, b'<testsuite name="s"><testcase name="a"/>'
                                       b'<testcase name="b"/></testsuite>')
    return build_id


def test_it_makes_test_results_partitions_ahead(conn):
    created = partitions.ensure(conn, T0, days_ahead=2, tables=["test_results"])
    assert "test_results_p20250311" in created and "test_results_p20250312" in created


def test_it_puts_a_builds_results_in_the_partition_of_its_day(conn):
    partitions.ensure(conn, T0, days_ahead=1, tables=["test_results"])
    _build_with_results(conn, T0)
    where = conn.execute(text("select distinct tableoid::regclass::text from test_results"))
    assert where.scalars().all() == ["test_results_p20250310"]


def test_retention_drops_old_test_results_by_whole_partitions(no_row_deletes):
    conn = no_row_deletes
    partitions.ensure(conn, T0, days_ahead=1, tables=["test_results"])
    _build_with_results(conn, T0)
    days = rollups.retention_days(config.load({"JADUGAR_RETENTION_TEST_RESULTS_DAYS": "30"}))
    assert days["test_results"] == 30
    partitions.apply_retention(conn, T0 + timedelta(days=20), days, {})
    assert conn.execute(text("select count(*) from test_results")).scalar_one() == 2
    dropped = partitions.apply_retention(conn, T0 + timedelta(days=40), days, {})
    assert "test_results_p20250310" in dropped
    assert conn.execute(text("select count(*) from test_results")).scalar_one() == 0
