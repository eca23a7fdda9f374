"""A cron heartbeat goes down only when a scheduled run's ping is later than grace, across
a daylight saving change, and once per missed run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from jadugar.services import heartbeat


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def nightly(api, engine):
    """A heartbeat expected at 02:30 Berlin time, with 10 minutes' grace."""
    api.post("/applications", json={"slug": "etl", "name": "ETL"})
    r = api.post("/applications/etl/checks", json={
        "name": "nightly", "type": "heartbeat", "interval_s": 86400, "grace_s": 600,
        "options": {"schedule": "30 2 * * *", "tz": "Europe/Berlin"}})
    assert r.status_code == 201, r.json
    return r.json["id"]


def _last_ping(engine, check_id: int, at: datetime) -> None:
    # The ping's own clock is the real one: set the time of the last run by hand.
    with engine.begin() as c:
        c.execute(text("""update health_checks set last_ping_at = :at, last_run_at = :at,
                          created_at = :at where id = :id"""), {"at": at, "id": check_id})


def _overdue(engine, now: datetime) -> list[int]:
    with engine.begin() as c:
        return heartbeat.mark_overdue(c, "test", now=now)


def test_it_waits_for_the_run_moved_by_spring_forward(engine, nightly):
    _last_ping(engine, nightly, utc(2026, 3, 28, 1, 30))  # 02:30 CET
    # 02:30 does not exist on the 29th: the run is due at 03:00 CEST (01:00 UTC)
    assert _overdue(engine, utc(2026, 3, 29, 0, 45)) == []
    assert _overdue(engine, utc(2026, 3, 29, 1, 9)) == []
    assert _overdue(engine, utc(2026, 3, 29, 1, 11)) == [nightly]
    assert _overdue(engine, utc(2026, 3, 29, 1, 30)) == []  # once per missed run


def test_it_expects_a_repeated_wall_time_once_at_fall_back(engine, nightly):
    _last_ping(engine, nightly, utc(2026, 10, 25, 0, 30))  # the first 02:30 (CEST)
    assert _overdue(engine, utc(2026, 10, 25, 1, 45)) == []  # the second 02:30 passes quietly
    assert _overdue(engine, utc(2026, 10, 26, 1, 39)) == []  # 02:30 CET + 9 min
    assert _overdue(engine, utc(2026, 10, 26, 1, 41)) == [nightly]


def test_the_down_result_names_the_missed_run(api, engine, nightly):
    _last_ping(engine, nightly, utc(2026, 3, 28, 1, 30))
    _overdue(engine, utc(2026, 3, 29, 1, 11))
    got = api.get(f"/checks/{nightly}").json
    assert got["status"] == "down"
    assert got["last_error"] == ("no ping for the run due 2026-03-29 01:00 UTC "
                                 "(30 2 * * * in Europe/Berlin)")


def test_it_refuses_a_bad_schedule_or_zone_naming_the_field(api):
    api.post("/applications", json={"slug": "etl", "name": "ETL"})
    base = {"name": "n", "type": "heartbeat", "interval_s": 86400}
    r = api.post("/applications/etl/checks", json={**base, "options": {"schedule": "0 3 *"}})
    assert r.status_code == 422 and r.json["error"]["field"] == "options.schedule"
    r = api.post("/applications/etl/checks", json={
        **base, "options": {"schedule": "0 3 * * *", "tz": "Mars/Olympus"}})
    assert r.status_code == 422 and r.json["error"]["field"] == "options.tz"


def test_the_settings_form_reads_a_schedule_and_its_zone():
    from jadugar.errors import Invalid
    from jadugar.ui import settings_check_form as form

    values = {**dict.fromkeys(form.NAMES), "name": "n", "type": "heartbeat",
              "interval_s": "86400", "schedule": " 0 3 * * * ", "tz": "Europe/Berlin"}
    assert form.to_check(values)["options"] == {"schedule": "0 3 * * *", "tz": "Europe/Berlin"}
    with pytest.raises(Invalid) as err:
        form.to_check({**values, "tz": "Berlin"})
    assert err.value.field == "tz"
