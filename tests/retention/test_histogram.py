"""The rollups' histograms built and merged with native aggregates, and chart quantiles taken
in numpy, give what the plpgsql functions of migration 0010 give, value for value; and the
90-day chart from hourly rollups matches the chart computed by those functions in SQL."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from monitoring_factory import make_app, make_check
from rollup_data import add_results
from sqlalchemy import text

from jadugar.services import histogram, rollups, uptime

T0 = datetime(2026, 1, 5, 21, 17, 40, tzinfo=UTC)

# Every bound exactly, just below and above it, below the first and past the last, NULL.
EDGES = """
select v from (
    select unnest(jadugar_hist_bounds()) as v
    union all select unnest(jadugar_hist_bounds()) - 0.0001
    union all select unnest(jadugar_hist_bounds()) + 0.0001
    union all select unnest(array[0, 0.01, 0.4999, 60000, 1e9, null]::real[])) x
"""


def test_building_matches_jadugar_hist_on_every_edge(conn):
    conn.execute(text(f"create temporary table v as {EDGES}"))
    conn.execute(text("alter table v alter column v type real"))
    ours, theirs = conn.execute(text(
        f"select {histogram.build_sql('v')}, jadugar_hist(v) from v")).one()
    assert ours == theirs and sum(ours) == conn.execute(
        text("select count(v) from v")).scalar_one()


def test_building_and_merging_match_the_plpgsql_aggregates(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, 3000)
    rows = conn.execute(text(f"""
        select {histogram.build_sql('response_ms')} as ours, jadugar_hist(response_ms) as theirs
          from history where check_id = :c
         group by date_bin('10 minutes', ts, timestamptz '2000-01-01 00:00+00')"""),
        {"c": check}).all()
    assert len(rows) > 10 and all(r.ours == r.theirs for r in rows)
    rollups.rebuild(conn, T0, T0 + timedelta(days=1), kinds=("check",))
    ours, theirs, nulls = conn.execute(text(f"""
        select {histogram.merge_sql('ms_hist')}, jadugar_hist_merge(ms_hist),
               (select {histogram.merge_sql('ms_hist')} from check_rollup_1m where false)
          from check_rollup_1m where check_id = :c"""), {"c": check}).one()
    assert ours == theirs and nulls is None


@pytest.mark.parametrize("q", [0.0, 0.05, 0.5, 0.95, 0.99, 1.0])
def test_quantiles_match_jadugar_hist_quantile(conn, q):
    rng = np.random.default_rng(7)
    hists = rng.integers(0, 4, size=(200, histogram.SLOTS)) * (rng.random((200, 30)) < 0.3)
    hists[0] = 0  # empty: no quantile
    hists[1] = 0
    hists[1][29] = 3  # all past the last bound
    lo = rng.uniform(0.1, 5, 200)
    hi = lo + rng.uniform(0, 50000, 200)
    theirs = conn.execute(text("""
        select jadugar_hist_quantile(h, :q, lo, hi)
          from unnest(cast(:h as text[]), cast(:lo as float8[]), cast(:hi as float8[]))
               with ordinality u(hs, lo, hi, i), cast(hs as int[]) h order by i"""),
        {"q": q, "h": ["{" + ",".join(map(str, h)) + "}" for h in hists.tolist()],
         "lo": lo.tolist(), "hi": hi.tolist()}).scalars().all()
    ours = histogram.quantiles(hists, q, lo, hi)
    assert np.isnan(ours[0]) and theirs[0] is None
    assert np.allclose(ours[1:], np.array(theirs[1:], dtype=float), rtol=1e-9)


def test_several_quantiles_give_one_row_per_q():
    rng = np.random.default_rng(11)
    hists = rng.integers(0, 5, size=(50, histogram.SLOTS))
    hists[3] = 0
    lo, hi = rng.uniform(0.1, 5, 50), rng.uniform(100, 5000, 50)
    both = histogram.quantiles(hists, (0.5, 0.95), lo, hi)
    one = [histogram.quantiles(hists, q, lo, hi) for q in (0.5, 0.95)]
    assert both.shape == (2, 50) and np.array_equal(both, np.array(one), equal_nan=True)


PLPGSQL_CHART = """
select date_bin(:step, ts, :origin) as t,
       jadugar_hist_quantile(jadugar_hist_merge(ms_hist), 0.5, min(ms_min), max(ms_max)) as p50,
       jadugar_hist_quantile(jadugar_hist_merge(ms_hist), 0.95, min(ms_min), max(ms_max))
           as p95, min(ms_min) as min, max(ms_max) as max, sum(ms_count) as count
  from check_rollup_1h where check_id = :c and ts >= :since and ts < :until and ms_count > 0
 group by 1 order by 1
"""


def test_a_chart_from_hourly_rollups_matches_the_plpgsql_chart(conn):
    check = make_check(conn, make_app(conn, "shop"))
    add_results(conn, check, T0, 4 * 24 * 180)
    rollups.rebuild(conn, T0, T0 + timedelta(days=4), kinds=("check",))
    since, until = rollups.bucket(T0, "1h"), T0 + timedelta(days=4)
    for name in ("check_1m", "check_1h", "check_1d"):
        conn.execute(text("insert into rollup_watermarks values (:n, :t) on conflict (name) "
                          "do update set done_until = excluded.done_until"),
                     {"n": name, "t": rollups.bucket(until, "1h")})
    kept = {"raw": 1, "1m": 1, "1h": 0, "1d": 0}  # raw and 1-minute rollups gone
    chart = uptime.response_times(conn, check, since, until, max_points=40, now=until,
                                  keep_days=kept)
    step = chart[1]["t"] - chart[0]["t"]
    assert step == timedelta(hours=3)
    expected = conn.execute(text(PLPGSQL_CHART), {
        "c": check, "since": since, "until": rollups.bucket(until, "1h") - timedelta(hours=(
            rollups.bucket(until, "1h").hour % 3)), "step": step,
        "origin": "2000-01-01 00:00+00"}).mappings().all()
    rolled = chart[:len(expected)]
    assert len(expected) > 20
    assert [(r["t"], r["count"], r["min"], r["max"]) for r in rolled] == [
        (e["t"], e["count"], e["min"], e["max"]) for e in expected]
    # min and max reach Python as the text of a real (3027.6333, not 3027.63330078125),
    # so the interpolation may differ in the eighth digit.
    for r, e in zip(rolled, expected, strict=True):
        assert r["p50"] == pytest.approx(e["p50"], rel=1e-7)
        assert r["p95"] == pytest.approx(e["p95"], rel=1e-7)
