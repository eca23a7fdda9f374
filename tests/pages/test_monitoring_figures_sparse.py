"""Figure builders of the application page on sparse data (jadugar/ui/monitoring_figures.py):
pinned ranges, bands only for full buckets, a lone result drawn, a 0 % day visible."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from jadugar.ui import monitoring_figures as figs

END = datetime(2026, 11, 30, 12, tzinfo=UTC)
WINDOW = (END - timedelta(days=1), END)


def _rt(count: int, n: int = 3, ms: float = 94.29161) -> list[dict]:
    return [{"t": END - timedelta(hours=h), "p50": ms, "p95": ms * 2, "min": ms / 2,
             "max": ms * 3, "count": count} for h in range(1, n + 1)]


def test_it_draws_one_result_per_point_as_markers_without_bands():
    fig = figs.response_time_figure(_rt(count=1, n=1, ms=1_094_548), [], "UTC", WINDOW)
    [trace] = fig.data
    assert trace.name == "result" and "markers" in trace.mode
    assert list(trace.customdata) == ["18 min"]
    assert fig.layout.yaxis.ticksuffix == " min" and trace.y[0] < 20  # 18.2 min, not ms


def test_it_draws_bands_for_buckets_with_enough_results():
    fig = figs.response_time_figure(_rt(count=12), [], "UTC", WINDOW)
    assert [t.name for t in fig.data] == ["max", "min", "p95", "p50"]
    assert fig.data[3].customdata[0] == "94.3 ms"


def test_it_leaves_thin_buckets_out_of_the_bands():
    rows = _rt(count=12, n=2) + _rt(count=2, n=1)
    fig = figs.response_time_figure(rows, [], "UTC", WINDOW)
    p95 = next(t for t in fig.data if t.name == "p95")
    assert pd.isna(p95.y[-1]) and not pd.isna(p95.y[0])


def test_it_pins_every_chart_to_the_window_in_the_browsers_zone():
    for fig in (figs.response_time_figure([], [], "Europe/Berlin", WINDOW),
                figs.response_time_figure(_rt(1), [], "Europe/Berlin", WINDOW),
                figs.status_band_figure([{"status": "up", "start": END - timedelta(hours=3),
                                          "end": END - timedelta(hours=3), "results": 1}],
                                        "Europe/Berlin", WINDOW)):
        assert list(fig.layout.xaxis.range) == ["2026-11-29 13:00:00", "2026-11-30 13:00:00"]


def test_it_runs_the_last_status_band_to_the_end_of_the_range():
    band = {"status": "up", "start": END - timedelta(hours=3), "end": END - timedelta(hours=3),
            "results": 1}
    fig = figs.status_band_figure([band], "UTC", WINDOW)
    up = next(t for t in fig.data if t.name == "up")
    assert up.x[0] >= 3 * 3600 * 1000 - 1000  # three hours wide, not one second
    assert up.customdata[0][2] == "3 h"  # the hover: "up from Nov 30 09:00 for 3 h"


def test_it_draws_a_zero_percent_day_as_a_full_red_column():
    days = [{"day": END.replace(hour=0), "results": 10, "down": 10, "degraded": 0,
             "uptime": 0.0}]
    fig = figs.uptime_day_figure(days, "UTC", WINDOW)
    up, down = fig.data
    assert up.y[0] == 0 and down.y[0] == 100 and down.base[0] == 0


def test_it_stops_the_last_band_at_now_not_in_the_future():
    band = {"status": "down", "start": END - timedelta(hours=2),
            "end": END - timedelta(hours=2), "results": 1}
    fig = figs.status_band_figure([band], "UTC", WINDOW, now=END - timedelta(hours=1))
    down = next(t for t in fig.data if t.name == "down")
    assert down.x[0] == 3600 * 1000 and down.customdata[0][2] == "60 min"
