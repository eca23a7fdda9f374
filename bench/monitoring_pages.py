"""Benchmark: the data behind the monitoring pages at scale.

1. A separate database (`jadugar_bench_pages`) on JADUGAR_BENCH_DATABASE_URL, or on an
   embedded PostgreSQL in a temporary folder; migrated to head.
2. 1,000 applications x 5 checks = 5,000 checks; 7 days of 5-minute history for each
   (~10 M rows) plus one check with 90 days of 1-minute history (129,600 rows), written by
   INSERT ... SELECT generate_series in chunks (the hourly rollup trigger runs as in
   production).
3. Times (median of 7 warm runs) and payload sizes of: the 90-day response-time chart
   (percentiles per bucket + figure JSON), its status bands and uptime-per-day, and one page
   (25 rows) of the overview over 5,000 checks.

Run: python -m bench.monitoring_pages [--checks 5000] [--days 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import plotly
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.suite import Row, emit
from jadugar import db, migrations
from jadugar.services import monitoring, uptime
from jadugar.timeutil import utcnow
from jadugar.ui import monitoring_figures as figs

DB_NAME = "jadugar_bench_pages"


def fresh_database(server_url: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"drop database if exists {DB_NAME}"))
        conn.execute(text(f"create database {DB_NAME}"))
    admin.dispose()
    return make_url(server_url).set(database=DB_NAME).render_as_string(hide_password=False)


def generate(engine, checks: int, days: int) -> tuple[int, float]:
    """Returns (the 90-day check's id, seconds spent writing)."""
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("""
            insert into applications (slug, name, environment, tags, status)
            select 'app-' || i, 'Application ' || i,
                   case when i % 4 = 0 then 'staging' else 'production' end,
                   array['team-' || (i % 10)], (array['up','up','up','degraded','down'])[1 + i % 5]
              from generate_series(1, :apps) i"""), {"apps": checks // 5})
        conn.execute(text("""
            insert into health_checks (application_id, name, type, target, interval_s,
                                       last_response_ms, last_run_at, status)
            select a.id, 'check-' || k, 'http', 'https://example.invalid/' || a.id, 300,
                   50 + random() * 100, now(), 'up'
              from applications a cross join generate_series(1, 5) k"""))
        chart_check = conn.execute(text("select min(id) from health_checks")).scalar_one()
    ids = [r[0] for r in engine.connect().execute(text("select id from health_checks "
                                                      "order by id"))]
    for i in range(0, len(ids), 250):
        with engine.begin() as conn:
            conn.execute(text("""
                insert into history (check_id, ts, status, response_ms, status_code)
                select c, ts, case when random() < 0.002 then 'down'
                                   when random() < 0.01 then 'degraded' else 'up' end,
                       (40 + random() * 80 + case when random() < 0.001 then 2000 else 0 end),
                       200
                  from unnest(cast(:ids as bigint[])) c,
                       generate_series(now() - make_interval(days => :days), now(),
                                       interval '5 minutes') ts
                 where c <> :chart"""), {"ids": ids[i:i + 250], "days": days,
                                         "chart": chart_check})
    with engine.begin() as conn:
        conn.execute(text("""
            insert into history (check_id, ts, status, response_ms, status_code)
            select :c, ts, case when random() < 0.002 then 'down' else 'up' end,
                   60 + 40 * sin(extract(epoch from ts) / 86400 * 6.28) + random() * 30
                      + case when random() < 0.0005 then 3000 else 0 end, 200
              from generate_series(now() - interval '90 days', now(), interval '1 minute') ts
        """), {"c": chart_check})
        conn.execute(text("analyze"))
    return chart_check, time.perf_counter() - started


def timed(fn, runs: int = 7) -> tuple[float, object]:
    fn()  # warm the cache: pages are read again and again
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def size_kb(obj: object) -> float:
    return len(json.dumps(obj, cls=plotly.utils.PlotlyJSONEncoder)) / 1024


def measure(engine, chart_check: int) -> list[tuple[str, float, float, str]]:
    now = utcnow()
    since = now - timedelta(days=90)
    out = []
    with engine.connect() as conn:
        ms, rows = timed(lambda: uptime.response_times(conn, chart_check, since, now))
        fig_ms, fig = timed(lambda: figs.response_time_figure(rows, [], "Europe/Berlin"), 3)
        out.append(("90-day response time: SQL (p50/p95/min/max per 2 h bucket)", ms,
                    size_kb(rows), f"{len(rows)} buckets"))
        out.append(("90-day response time: figure build (pandas + plotly)", fig_ms,
                    size_kb(fig.to_plotly_json()), "figure JSON sent to the browser"))
        ms, bands = timed(lambda: uptime.status_bands(conn, chart_check, since, now))
        out.append(("90-day status bands (gaps and islands)", ms,
                    size_kb(figs.status_band_figure(bands, "UTC").to_plotly_json()),
                    f"{len(bands)} bands"))
        ms, days = timed(lambda: uptime.uptime_per_day(conn, chart_check, since, now))
        out.append(("90-day uptime per day (hourly rollup)", ms,
                    size_kb(figs.uptime_day_figure(days, "UTC").to_plotly_json()),
                    f"{len(days)} days"))
        checks = conn.execute(text("select count(*) from health_checks")).scalar_one()
        for sort in ("status", "response"):
            ms, page = timed(lambda s=sort: monitoring.overview(conn, sort=s, page_size=25))
            out.append((f"overview, {checks:,} checks, page of 25, sort={sort}", ms,
                        size_kb(page), f"{page['total']} applications"))
        ms, page = timed(lambda: monitoring.overview(conn, q="app-99", page_size=25))
        out.append(("overview, search 'app-99'", ms, size_kb(page), f"{page['total']} matches"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jadugar-bench-") as tmp:
        server = os.environ.get("JADUGAR_BENCH_DATABASE_URL")
        server_url = db.sqlalchemy_url(server) if server else db.embedded_url(Path(tmp))
        engine = db.make_engine(fresh_database(server_url), timeout_s=30)
        migrations.upgrade(engine)
        chart_check, gen_s = generate(engine, args.checks, args.days)
        with engine.connect() as conn:
            total = conn.execute(text("select count(*) from history")).scalar_one()
            rollup = conn.execute(text("select count(*) from history_hourly")).scalar_one()
        print(f"wrote {total:,} history rows ({rollup:,} rollup rows) in {gen_s:.0f} s")
        print("| what | server time (median) | payload | notes |\n|---|---|---|---|")
        measured = measure(engine, chart_check)
        for name, ms, kb, note in measured:
            print(f"| {name} | {ms:.0f} ms | {kb:.0f} KB | {note} |")
        engine.dispose()
    slowest = max(ms for name, ms, _, _ in measured if name.startswith("overview"))
    emit([Row(f"overview data, {args.checks:,} checks ({args.days} d of 5-minute history), "
              "slowest sort, page of 25", f"{slowest:.0f} ms",
              "Uptime Kuma: 15 s at 882 monitors (its maintainers' figure, not re-run here)",
              "< 1 s", slowest < 1000)])


if __name__ == "__main__":
    main()
