"""Each rollup agrees with the raw rows it came from: counts, min, max and sums exactly,
runs of 'down' (incidents) across bucket bounds, and p95 from the merged histogram within
one histogram slot of the exact value."""

from datetime import UTC, datetime, timedelta

import pytest
from monitoring_factory import make_app, make_check
from rollup_data import add_points, add_results
from sqlalchemy import text

from jadugar.services import rollups

T0 = datetime(2026, 1, 5, 21, 17, 40, tzinfo=UTC)
N = 3 * 24 * 180  # three days at one result per 20 s

RAW_CHECK = """
select date_bin(:step, ts, '2000-01-01 00:00+00') as t, count(*) as total,
       count(*) filter (where status = 'up') as up,
       count(*) filter (where status = 'degraded') as degraded,
       count(*) filter (where status = 'down') as down, count(response_ms) as ms_count,
       min(response_ms) as ms_min, max(response_ms) as ms_max,
       round(coalesce(sum(response_ms::float8), 0)::numeric, 3) as ms_sum,
       count(*) filter (where status = 'down' and prev is distinct from 'down') as runs
  from (select *, lag(status) over (partition by date_bin(:step, ts, '2000-01-01 00:00+00')
                                    order by ts) as prev
          from history where check_id = :c) h
 group by 1 order by 1
"""
ROLLUP_CHECK = """
select ts as t, total, up, degraded, down, ms_count, ms_min, ms_max,
       round(ms_sum::numeric, 3) as ms_sum, down_runs as runs
  from {table} where check_id = :c order by ts
"""


@pytest.fixture
def check(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, N)
    rollups.rebuild(conn, T0, T0 + timedelta(days=3))
    return check


@pytest.mark.parametrize("res", ["1m", "1h", "1d"])
def test_it_counts_each_bucket_as_the_raw_rows_do(conn, check, res):
    raw = conn.execute(text(RAW_CHECK), {"c": check, "step": rollups.RES[res]}).all()
    rolled = conn.execute(text(ROLLUP_CHECK.format(table=f"check_rollup_{res}")),
                          {"c": check}).all()
    assert len(rolled) == len(raw) > 1
    assert [tuple(r) for r in rolled] == [tuple(r) for r in raw]


@pytest.mark.parametrize("res", ["1m", "1h", "1d"])
def test_it_estimates_p95_within_one_histogram_slot(conn, check, res):
    exact = conn.execute(text("""select percentile_cont(0.95) within group
        (order by response_ms) from history where check_id = :c"""), {"c": check}).scalar_one()
    estimate = conn.execute(text(f"""select jadugar_hist_quantile(jadugar_hist_merge(ms_hist),
        0.95, min(ms_min), max(ms_max)) from check_rollup_{res} where check_id = :c"""),
        {"c": check}).scalar_one()
    bounds = conn.execute(text("select jadugar_hist_bounds()")).scalar_one()
    slot = next(i for i, b in enumerate(bounds) if b > exact)
    assert abs(estimate - exact) <= bounds[slot] - bounds[slot - 1]


def test_it_rolls_metrics_up_with_count_sum_min_max_and_last(conn):
    series = add_points(conn, make_app(conn, "shop"), T0, 2 * 24 * 240)
    rollups.rebuild(conn, T0, T0 + timedelta(days=2), kinds=("metric",))
    for res in ("1m", "1h", "1d"):
        raw = conn.execute(text("""select date_bin(:step, ts, '2000-01-01 00:00+00') as t,
            count(*), round(sum(value)::numeric, 6), min(value), max(value),
            (array_agg(value order by ts desc))[1]
            from metrics where series_id = :s group by 1 order by 1"""),
            {"s": series, "step": rollups.RES[res]}).all()
        rolled = conn.execute(text(f"""select ts, count, round(sum::numeric, 6), min, max,
            last from metric_rollup_{res} where series_id = :s order by ts"""),
            {"s": series}).all()
        assert [tuple(r) for r in rolled] == [tuple(r) for r in raw], res


def test_it_rolls_up_closed_buckets_since_the_watermark_without_counting_twice(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, 6 * 180)  # six hours
    now = T0 + timedelta(hours=4)
    while rollups.run(conn, now):
        pass
    rollups.run(conn, now)  # again: recomputes the last minutes, adds nothing
    marks = rollups.watermarks(conn)
    assert marks["check_1m"] == rollups.bucket(now - rollups.DELAY, "1m")
    assert marks["check_1h"] == rollups.bucket(now, "1h")
    total = conn.execute(text("select sum(total) from check_rollup_1m where check_id = :c"),
                         {"c": check}).scalar_one()
    raw = conn.execute(text("select count(*) from history where check_id = :c and ts < :t"),
                       {"c": check, "t": marks["check_1m"]}).scalar_one()
    assert total == raw
    hourly = conn.execute(text("select sum(total) from check_rollup_1h where check_id = :c"),
                          {"c": check}).scalar_one()
    assert hourly == conn.execute(text("""select count(*) from history where check_id = :c
        and ts < :t"""), {"c": check, "t": marks["check_1h"]}).scalar_one()
