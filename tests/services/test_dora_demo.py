"""The demo shows DORA numbers that agree with each other (issue 12: payments-api showed a
change failure rate of 0.0 beside "84 incidents")."""

from datetime import timedelta

from sqlalchemy import text

from jadugar.services import delivery, demo
from jadugar.timeutil import utcnow


def test_it_shows_payments_api_failures_that_the_rate_counts(conn):
    conn.execute(text("delete from demo_marker"))
    demo.load(conn, database_url=None)
    now = utcnow()
    out = delivery.for_project(conn, "payments-api", now - timedelta(days=90), now)
    assert out["deploys"] > 10 and out["failures"] > 0
    attempted = out["deploys"] + out["failed_deploys"]
    assert out["change_failure_rate"] == round(out["failures"] / attempted, 3)
    assert out["failures"] >= out["failed_deploys"] + out["rolled_back"] > out["failed_deploys"]
    assert out["rollbacks"] > 0
    # from commit to production: minutes to hours, not a build's own duration
    assert 30 * 60 < out["lead_time_s"] < 6 * 3600
    assert out["time_to_restore_s"] is not None
