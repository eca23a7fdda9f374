"""Helpers for DB-level alert tests: an application with checks, results written through
the real write path, rule evaluation in the test's (rolled-back) transaction."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from collectors.alerting import evaluate_rules
from jadugar.services import alert_rules, applications, checks
from jadugar.services.history import Row, write_results


class World:
    def __init__(self, conn):
        self.conn = conn
        applications.create_application(conn, {"slug": "shop", "name": "Shop"})
        self.t = datetime.now(UTC) - timedelta(minutes=30)

    def check(self, name="web", **kw):
        data = {"name": name, "type": "http", "target": "http://127.0.0.1:9/",
                "interval_s": 30, **kw}
        return checks.create_check(self.conn, "shop", data).id

    def rule(self, check_id=None, **kw):
        if check_id is not None:
            kw["check_id"] = check_id
        return alert_rules.create_rule(self.conn, kw).id

    def results(self, check_id, statuses, **kw):
        """Write one result per letter: u(p), d(own), g (degraded), 30 s apart."""
        names = {"u": "up", "d": "down", "g": "degraded"}
        rows = []
        for letter in statuses:
            self.t += timedelta(seconds=30)
            rows.append(Row(check_id, self.t, kw.get("location", "local"), names[letter],
                            kw.get("response_ms", 50.0), None,
                            None if letter == "u" else "boom", kw.get("details")))
        for row in rows:  # one batch per result, as the collector writes them
            write_results(self.conn, [row])

    def evaluate(self, *kinds):
        return evaluate_rules(self.conn, kinds or None)

    def alerts(self, rule_id=None):
        return self.conn.execute(text("""select id, rule_id, state, title from alerts
            where cast(:r as bigint) is null or rule_id = :r order by id"""),
            {"r": rule_id}).all()

    def default_rule(self, check_id):
        return self.conn.execute(text("select id from alert_rules where check_id = :c "
                                      "and is_default"), {"c": check_id}).scalar_one()


@pytest.fixture
def world(conn):
    return World(conn)
