"""Checks that need several locations to agree count failures per interval, not per result:
two locations each report once an interval, and that is one interval, not two failures."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from jadugar.services.history import Row, write_results

INTERVAL_S = 30


def _interval_start(n: int) -> datetime:
    """The start of an interval-long slot of the clock, n slots from one an hour ago."""
    slot = int(datetime.now(UTC).timestamp()) // INTERVAL_S - 120 + n
    return datetime.fromtimestamp(slot * INTERVAL_S, UTC)


def _report(world, check: int, interval: int, location: str, status: str) -> tuple:
    # paris reports 5 s into each interval, tokyo 20 s in: the phases the scheduler's
    # jitter gives two locations.
    offset = {"paris": 5, "tokyo": 20}[location]
    ts = _interval_start(interval) + timedelta(seconds=offset)
    write_results(world.conn, [Row(check, ts, location, status, 50.0, None,
                                   None if status == "up" else "boom")])
    world.evaluate()
    return world.conn.execute(text("""select status, fail_streak, ok_streak
        from health_checks where id = :c"""), {"c": check}).one()


def test_it_counts_one_failure_per_interval_when_two_locations_agree(world):
    check = world.check(locations_required=2, interval_s=INTERVAL_S)
    rule = world.default_rule(check)  # 3 failures to fire, 2 successes to resolve
    seen = []
    for interval, location in [(0, "paris"), (0, "tokyo"), (1, "paris"), (1, "tokyo"),
                               (2, "paris")]:
        seen.append(tuple(_report(world, check, interval, location, "down")))
        if len(seen) < 5:
            assert world.alerts(rule) == [], f"fired after {seen}"
    assert seen == [("degraded", 0, 1), ("down", 1, 0), ("down", 2, 0), ("down", 2, 0),
                    ("down", 3, 0)]
    assert [a.state for a in world.alerts(rule)] == ["firing"]


def test_it_counts_one_success_per_interval_before_resolving(world):
    check = world.check(locations_required=2, interval_s=INTERVAL_S)
    rule = world.default_rule(check)
    for interval in range(3):
        for location in ("paris", "tokyo"):
            _report(world, check, interval, location, "down")
    assert [a.state for a in world.alerts(rule)] == ["firing"]

    assert tuple(_report(world, check, 3, "paris", "up")) == ("degraded", 0, 1)
    assert tuple(_report(world, check, 3, "tokyo", "up")) == ("up", 0, 1)
    assert [a.state for a in world.alerts(rule)] == ["firing"], "resolved within one interval"
    assert tuple(_report(world, check, 4, "paris", "up")) == ("up", 0, 2)
    assert [a.state for a in world.alerts(rule)] == ["resolved"]
