"""The check's page shows what a ping carried: the exit status in the Code column, the
log folded under the error; a probed check's row says how its conditions fared."""

from __future__ import annotations

from datetime import timedelta

from jadugar.services import uptime
from jadugar.timeutil import utcnow
from jadugar.ui import monitoring_tables as tables


def test_it_shows_the_exit_status_and_the_log(api, client, engine):
    api.post("/applications", json={"slug": "etl", "name": "ETL"})
    check = api.post("/applications/etl/checks", json={
        "name": "nightly", "type": "heartbeat", "interval_s": 86400}).json
    path = check["ping_url"].split("localhost", 1)[1]
    client.post(f"{path}/3", data="ERROR: disk full")
    now = utcnow()
    with engine.connect() as c:
        rows = uptime.recent_results(c, check["id"], now - timedelta(hours=1),
                                     now + timedelta(minutes=1))
    shown = str(tables.recent(rows, "UTC"))
    assert "exit 3" in shown and "ERROR: disk full" in shown and "Summary" in shown


def test_it_counts_the_conditions_that_passed():
    row = {"ts": utcnow(), "location": "local", "status": "down", "response_ms": 12.0,
           "status_code": 200, "error": "x", "exit_code": None, "log": None,
           "conditions": [{"condition": "[STATUS] == 200", "ok": True},
                          {"condition": "[BODY].ok == true", "ok": False, "reason": "x"}]}
    assert "1/2 conditions passed" in str(tables.recent([row], "UTC"))
