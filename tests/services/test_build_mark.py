"""builds.mark: cancelling or re-marking a build by hand, as the build page's form does."""

import pytest
from sqlalchemy import text

from jadugar.errors import Invalid, NotFound
from jadugar.services import builds, projects


@pytest.fixture
def build_id(conn):
    projects.create_project(conn, {"slug": "web", "name": "Web"})
    row, _ = builds.submit(conn, "web", {"external_id": "b1", "status": "running"})
    return row.id


def history(conn, build_id):
    return conn.execute(text("select source, old_status, new_status, message, author "
                             "from status_updates where build_id = :id order by id"),
                        {"id": build_id}).all()


def test_it_cancels_a_running_build_and_records_why_and_who(conn, build_id):
    row = builds.mark(conn, build_id, "cancelled", "  flaky runner  ", author="ada")
    assert row.status == "cancelled" and row.finished_at is not None
    assert history(conn, build_id)[-1] == ("ui", "running", "cancelled", "flaky runner", "ada")


def test_it_re_marks_a_finished_build(conn, build_id):
    builds.mark(conn, build_id, "failed", "tests were red")
    row = builds.mark(conn, build_id, "success", "the red test was the runner's fault")
    assert (row.status, row.progress) == ("success", 100)
    assert [h.new_status for h in history(conn, build_id)] == ["running", "failed", "success"]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_it_refuses_a_mark_without_a_reason_and_writes_nothing(conn, build_id, reason):
    with pytest.raises(Invalid) as err:
        builds.mark(conn, build_id, "cancelled", reason)
    assert err.value.field == "reason"
    assert conn.scalar(text("select status from builds where id = :id"),
                       {"id": build_id}) == "running"
    assert len(history(conn, build_id)) == 1


@pytest.mark.parametrize("status", ["running", "queued", "bogus"])
def test_it_refuses_to_mark_a_build_as_in_flight_or_unknown(conn, build_id, status):
    with pytest.raises(Invalid) as err:
        builds.mark(conn, build_id, status, "because")
    assert err.value.field == "status"


def test_it_says_which_build_is_missing(conn, build_id):
    with pytest.raises(NotFound):
        builds.mark(conn, build_id + 1000, "cancelled", "gone")
