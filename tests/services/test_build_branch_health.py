"""build_series.branch_health on a hand-made run of outcomes whose answers are known."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from jadugar.services import build_series, projects
from jadugar.services.build_reads import BuildFilter

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def add(conn, pid: int, branch: str, outcomes: str) -> None:
    """One build per letter, an hour apart, oldest first: S success, F failed, C cancelled."""
    names = {"S": "success", "F": "failed", "C": "cancelled"}
    for n, letter in enumerate(outcomes):
        at = T0 + timedelta(hours=n)
        conn.execute(text("""
            insert into builds (project_id, branch, status, created_at, started_at,
                                finished_at)
            values (:pid, :branch, :status, :at, :at, :at + make_interval(mins => :mins))"""),
            {"pid": pid, "branch": branch, "status": names[letter], "at": at, "mins": n + 1})


def test_it_finds_the_longest_and_the_current_failure_streak_and_the_flips(conn):
    pid = projects.create_project(conn, {"slug": "web", "name": "Web"}).id
    add(conn, pid, "main", "SFFSFCFFSFF")  # the cancelled run is neither outcome
    add(conn, pid, "dev", "SS")
    flt = BuildFilter(since=T0, until=T0 + timedelta(days=1))
    rows = build_series.branch_health(conn, pid, flt).set_index("branch")
    main = rows.loc["main"]
    assert main["runs"] == 10
    assert main["failure_rate"] == pytest.approx(0.7)
    assert main["flip_rate"] == pytest.approx(0.5)  # S→F, F→S, S→F, F→S, S→F
    assert (main["longest_streak"], main["current_streak"]) == (3, 2)
    dev = rows.loc["dev"]
    assert (dev["longest_streak"], dev["current_streak"], dev["flip_rate"]) == (0, 0, 0)
    assert list(rows.index) == ["main", "dev"]  # busiest first
