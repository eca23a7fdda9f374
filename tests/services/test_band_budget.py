"""Response-time buckets hold enough results for p95 and min–max to mean something, while a
daily heartbeat keeps one point per run (jadugar/services/ranges.py, uptime.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from monitoring_factory import make_app, make_check
from sqlalchemy import text

from jadugar.services import ranges, uptime
from jadugar.timeutil import utcnow


@pytest.mark.parametrize(("span_s", "samples", "points"), [
    (86400, 288, 57),          # a 5-minute check over 24 h: 30-minute buckets of 6
    (86400, 1440, 288),        # a 1-minute check: 5-minute buckets
    (365 * 86400, 525600, 2000),  # a year stays within the point budget
    (86400, 1, 2000),          # a daily heartbeat: too sparse for bands, one point per run
    (3600, None, 2000),
])
def test_it_sizes_buckets_to_hold_enough_samples(span_s, samples, points):
    assert ranges.band_budget(span_s, samples) == points


def test_it_widens_buckets_when_results_are_sparser_than_the_interval(engine, clean_db):
    now = utcnow().replace(second=0, microsecond=0)
    with engine.begin() as c:
        check_id = make_check(c, make_app(c, "shop"))  # configured every minute...
        c.execute(text("""insert into history (check_id, ts, location, status, response_ms)
            select :id, :now - make_interval(mins => 5 * n), 'local', 'up', 100 + n
              from generate_series(1, 287) n"""), {"id": check_id, "now": now})
        rows = uptime.banded_response_times(c, check_id, now - timedelta(hours=24), now,
                                            interval_s=60)  # ...but ran every 5 minutes
    counts = [r["count"] for r in rows]
    assert sorted(counts)[len(counts) // 2] >= ranges.MIN_BAND_SAMPLES
    assert sum(counts) == 287
