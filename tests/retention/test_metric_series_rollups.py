from datetime import UTC, datetime, timedelta

import pytest
from monitoring_factory import make_app
from rollup_data import add_points
from sqlalchemy import text

from jadugar.services import metric_explorer, rollups

T0 = datetime(2026, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize("agg", ["avg", "min", "max", "sum"])
def test_a_long_metric_range_reads_the_rollups_and_raw_after_them(conn, agg):
    add_points(conn, make_app(conn, "shop"), T0, 20 * 24 * 240)  # 20 days at 15 s
    rollups.rebuild(conn, T0, T0 + timedelta(days=19), kinds=("metric",))
    for name in ("metric_1m", "metric_1h", "metric_1d"):
        conn.execute(text("insert into rollup_watermarks values (:n, :t)"),
                     {"n": name, "t": T0 + timedelta(days=19)})
    until = T0 + timedelta(days=20) - timedelta(seconds=1)
    rolled = metric_explorer.series(conn, "shop", "rps", T0, until, agg, max_points=200)
    conn.execute(text("delete from rollup_watermarks"))
    raw = metric_explorer.series(conn, "shop", "rps", T0, until, agg, max_points=200)
    assert len(rolled) == len(raw) > 100
    for a, b in zip(rolled, raw, strict=True):
        assert (a["t"], a["count"], a["min"], a["max"]) == (b["t"], b["count"], b["min"],
                                                           b["max"])
        assert a["value"] == pytest.approx(b["value"], rel=1e-9, abs=1e-6)
