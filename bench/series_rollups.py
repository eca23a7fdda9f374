"""Benchmark: charts and the SLA report from rollups, and disk per check-year.

1. A separate database (`jadugar_bench_rollups`) on JADUGAR_BENCH_DATABASE_URL, or on an
   embedded PostgreSQL in a temporary folder; migrated to head (partitions, rollups).
2. Chart: one check with a year of 1-minute results (525,600 raw rows, kept whole here so
   raw can be timed against), rolled up by `rollups.rebuild`. The 90-day and 1-year
   response-time series (uptime.response_times: p50/p95/min/max per bucket) against
   reading the raw rows into pandas and resampling there, both median of 7 warm runs.
3. SLA: `--checks` checks (default 5,000) in 1,000 applications with a year of daily
   rollups, hourly rollups for the last 3 days, raw results for the last `--raw-hours`, and
   maintenance windows (one daily recurring, one one-off) with the hourly rows of the days
   they touch and the 1-minute rows of their edge hours (edge_rows), and the monthly rollup
   computed from the daily one: reports.sla over the year. Raw
   history for a year of 5,000 checks (2.6 G rows) is not generated: the raw report is
   timed over the raw hours written and scaled up to a year, and said so.
4. Disk: bytes per row of each table from step 2, and what one check at a 1-minute interval
   holds under the retention defaults (raw 14 d, 1m 90 d, 1h 730 d, 1d forever).

Run: python -m bench.series_rollups [--checks 5000] [--raw-hours 6]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bench.suite import Row, emit
from jadugar import db, migrations
from jadugar.services import partitions, reports, rollups, uptime
from jadugar.timeutil import utcnow

DB_NAME = "jadugar_bench_rollups"
KEEP = {"raw": 14, "1m": 90, "1h": 730, "1d": 0}
YEAR = timedelta(days=365)


def fresh_database(server_url: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"drop database if exists {DB_NAME} with (force)"))
        conn.execute(text(f"create database {DB_NAME}"))
    admin.dispose()
    return make_url(server_url).set(database=DB_NAME).render_as_string(hide_password=False)


def median_ms(fn: Callable[[], object], runs: int = 7) -> float:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def chart_check(engine: Engine, now, months: int = 13) -> tuple[int, float, float]:  # noqa: ANN001
    """A year of 1-minute results for one check, rolled up. (check, s writing, s rollup)"""
    started = time.perf_counter()
    with engine.begin() as conn:
        partitions.ensure(conn, now - YEAR - timedelta(days=1), days_ahead=368,
                          tables=["history", "check_rollup_1m", "check_rollup_1h",
                                  "check_rollup_1d"])
        app = conn.execute(text("insert into applications (slug, name) values "
                                "('chart', 'Chart') returning id")).scalar_one()
        check = conn.execute(text("""insert into health_checks (application_id, name, type,
            target, interval_s) values (:a, 'api', 'http', 'https://x.invalid', 60)
            returning id"""), {"a": app}).scalar_one()
    for month in range(13 - months, 13):
        with engine.begin() as conn:
            conn.execute(text("""
                insert into history (check_id, ts, status, response_ms, status_code)
                select :c, ts, case when random() < 0.002 then 'down'
                                    when random() < 0.01 then 'degraded' else 'up' end,
                       40 + random() * 80 + case when random() < 0.01 then 900 else 0 end, 200
                  from generate_series(:lo, :hi - interval '1 minute', interval '1 minute') ts
            """), {"c": check, "lo": now - YEAR + timedelta(days=28 * month),
                   "hi": min(now, now - YEAR + timedelta(days=28 * (month + 1)))})
    written = time.perf_counter() - started
    started = time.perf_counter()
    for month in range(13 - months, 13):
        with engine.begin() as conn:
            lo = now - YEAR + timedelta(days=28 * month)
            rollups.rebuild(conn, lo, min(now, lo + timedelta(days=28)))
    with engine.begin() as conn:
        for name, res in (("check_1m", "1m"), ("check_1h", "1h"), ("check_1d", "1d")):
            conn.execute(text("insert into rollup_watermarks values (:n, :t)"),
                         {"n": name, "t": rollups.bucket(now, res)})
        conn.execute(text("analyze"))
    return check, written, time.perf_counter() - started


def pandas_raw(engine: Engine, check: int, since, until, step: str) -> pd.DataFrame:  # noqa: ANN001
    """What a page would do without SQL aggregation: raw rows into pandas, resampled."""
    with engine.connect() as conn:
        frame = pd.read_sql(text("""select ts, response_ms from history where check_id = :c
            and ts >= :s and ts < :u and response_ms is not null"""), conn,
            params={"c": check, "s": since, "u": until}, index_col="ts")
    grouped = frame["response_ms"].resample(step)
    return pd.DataFrame({"p50": grouped.quantile(0.5), "p95": grouped.quantile(0.95),
                         "min": grouped.min(), "max": grouped.max(), "count": grouped.count()})


SUMMARY: list[Row] = []


def chart_rows(engine: Engine, check: int, now, span: timedelta) -> list[str]:  # noqa: ANN001
    with engine.connect() as conn:
        rows = uptime.response_times(conn, check, now - span, now, max_points=2000, now=now,
                                     keep_days=KEEP)
    res = rollups.resolution_for(now - span, now, now, KEEP)
    fast = median_ms(lambda: _chart(engine, check, now, span))
    step_s = int((rows[1]["t"] - rows[0]["t"]).total_seconds())
    slow = median_ms(lambda: pandas_raw(engine, check, now - span, now, f"{step_s}s"), runs=3)
    SUMMARY.append(Row(f"{span.days}-day response-time chart ({res} rollup, {len(rows)} points)",
                       f"{fast:.0f} ms", f"raw rows into pandas: {slow:.0f} ms "
                       f"({slow / fast:.0f}x)", "< 100 ms, ≥ 50x raw",
                       fast < 100 and slow / fast >= 50))
    return [f"| {span.days}-day response-time chart | {fast:.1f} ms | {slow:.0f} ms | "
            f"{slow / fast:.0f}x | {res} rollup, {len(rows)} points (step {step_s // 60} min)"
            " |"]


def _chart(engine: Engine, check: int, now, span: timedelta) -> None:  # noqa: ANN001
    with engine.connect() as conn:
        uptime.response_times(conn, check, now - span, now, max_points=2000, now=now,
                              keep_days=KEEP)


def sla_data(engine: Engine, checks: int, raw_hours: int, now) -> float:  # noqa: ANN001
    """Rollups for a year of `checks` checks, raw for the last hours. Seconds spent."""
    started = time.perf_counter()
    day0 = rollups.bucket(now, "1d")
    with engine.begin() as conn:
        conn.execute(text("""insert into applications (slug, name)
            select 'app-' || i, 'Application ' || i from generate_series(1, :n) i"""),
            {"n": checks // 5})
        conn.execute(text("""insert into health_checks (application_id, name, type, target,
            interval_s) select a.id, 'check-' || k, 'http', 'https://x.invalid', 60
              from applications a cross join generate_series(1, 5) k
             where a.slug like 'app-%'"""))
        app = conn.execute(text("select id from applications where slug = 'app-1'")
                           ).scalar_one()
        conn.execute(text("""insert into maintenance_windows (title, application_id, starts_at,
            ends_at, recurrence) values ('nightly', :a, :s, :s + interval '20 minutes',
            'daily'), ('upgrade', null, :u, :u + interval '95 minutes', 'none')"""),
            {"a": app, "s": day0 - YEAR + timedelta(hours=2, minutes=7),
             "u": day0 - timedelta(days=40, hours=-9, minutes=-13)})
    hist = "array_fill(0, array[9]) || array[40, 10, 5, 1] || array_fill(0, array[17])"
    ids = [r[0] for r in engine.connect().execute(text(
        "select id from health_checks where application_id <> (select id from applications "
        "where slug = 'chart') order by id"))]
    for table, res, lo, hi in (("check_rollup_1d", "1 day", day0 - YEAR, day0),
                               ("check_rollup_1h", "1 hour", day0 - timedelta(days=3), day0
                                + timedelta(hours=now.hour))):
        for i in range(0, len(ids), 500):
            with engine.begin() as conn:
                conn.execute(text(f"""insert into {table}
                    select c, ts, n, n - d, 0, d, n, n * 80.0, 41, 950, {hist}, least(d, 1),
                           false, false
                      from unnest(cast(:ids as bigint[])) c,
                           generate_series(:lo, :hi - interval '{res}', interval '{res}') ts,
                           lateral (select case when random() < 0.01 then 3 else 0 end as d,
                                           extract(epoch from interval '{res}')::int / 60
                                               as n) x"""),
                    {"ids": ids[i:i + 500], "lo": lo, "hi": hi})
    edge_rows(engine, ids, app, hist, day0)
    raw_from = rollups.bucket(now, "1h") - timedelta(hours=raw_hours - 1)
    with engine.begin() as conn:
        partitions.ensure(conn, now)
    for i in range(0, len(ids), 500):
        with engine.begin() as conn:
            conn.execute(text("""insert into history (check_id, ts, status, response_ms)
                select c, ts, case when random() < 0.002 then 'down' else 'up' end,
                       40 + random() * 80
                  from unnest(cast(:ids as bigint[])) c,
                       generate_series(:lo, :hi, interval '1 minute') ts"""),
                {"ids": ids[i:i + 500], "lo": raw_from, "hi": now})
    started_1m = time.perf_counter()
    with engine.begin() as conn:
        rollups.compute(conn, rollups.BY_NAME["check_1m"], raw_from, rollups.bucket(now, "1m"))
    print(f"1-minute rollup of {len(ids) * raw_hours * 60:,} raw results took "
          f"{time.perf_counter() - started_1m:.1f} s")
    started_mo = time.perf_counter()
    with engine.begin() as conn:
        rollups.compute(conn, rollups.BY_NAME["check_1mo"], rollups.bucket(day0 - YEAR, "1mo"),
                        rollups.bucket(day0, "1mo"))
        conn.execute(text("""insert into rollup_watermarks values ('check_1mo', :m)
            on conflict (name) do update set done_until = excluded.done_until"""),
            {"m": rollups.bucket(day0, "1mo")})
    print(f"monthly rollup of {len(ids) * 365:,} daily rows took "
          f"{time.perf_counter() - started_mo:.1f} s")
    with engine.begin() as conn:
        conn.execute(text("""update rollup_watermarks set done_until = case name
            when 'check_1d' then cast(:d as timestamptz) else cast(:h as timestamptz) end
            where name in ('check_1h', 'check_1d')"""),
            {"d": day0, "h": rollups.bucket(now, "1h")})
        conn.execute(text("analyze"))
    return time.perf_counter() - started


# What the report reads below a day where maintenance touches it: the hourly rows of the
# touched days (every day of app-1's nightly window, the upgrade's day for every check) and
# the 1-minute rows of the edge hours raw retention has dropped (the upgrade's two for every
# check; the nightly one of app-1's checks over the 1-minute rollup's 90 days).
EDGE_ROWS = """
insert into {table}
select c, ts, {n}, {n} - d, 0, d, {n}, {n} * 80.0, 41, 950, {hist}, least(d, 1), false, false
  from unnest(cast(:ids as bigint[])) c, unnest(cast(:ts as timestamptz[])) ts,
       lateral (select case when random() < 0.01 then 1 else 0 end as d) x
on conflict do nothing
"""


def edge_rows(engine: Engine, ids: list[int], app: int, hist: str, day0) -> None:  # noqa: ANN001
    with engine.connect() as conn:
        nightly = [r[0] for r in conn.execute(text(
            "select id from health_checks where application_id = :a"), {"a": app})]
    upgrade = day0 - timedelta(days=40)

    def hours(lo, n: int, step: timedelta = timedelta(hours=1)) -> list:  # noqa: ANN001
        return [lo + i * step for i in range(n)]

    jobs = [("check_rollup_1h", 60, nightly, hours(day0 - YEAR, 365 * 24)),
            ("check_rollup_1h", 60, ids, hours(upgrade, 24)),
            ("check_rollup_1m", 1, ids, hours(upgrade + timedelta(hours=9), 120,
                                                 timedelta(minutes=1))),
            ("check_rollup_1m", 1, nightly, [t for d in range(1, 91) for t in hours(
                day0 - timedelta(days=d, hours=-2), 60, timedelta(minutes=1))])]
    for table, n, checks, times in jobs:
        for i in range(0, len(checks), 500):
            with engine.begin() as conn:
                conn.execute(text(EDGE_ROWS.format(table=table, n=n, hist=hist)),
                             {"ids": checks[i:i + 500], "ts": times})


def sla_rows(engine: Engine, checks: int, raw_hours: int, now) -> list[str]:  # noqa: ANN001
    def report(since, until, use: bool) -> list:  # noqa: ANN001
        with engine.begin() as conn:
            conn.execute(text("set local jit = off"))
            return reports.sla(conn, since, until, "month", use_rollups=use)

    fast = median_ms(lambda: report(now - YEAR, now, True), runs=3)
    rows = report(now - YEAR, now, True)
    raw_since = rollups.bucket(now, "1h") - timedelta(hours=raw_hours - 1)
    slow = median_ms(lambda: report(raw_since, now, False), runs=1)
    per_year = slow * (YEAR / (now - raw_since))
    SUMMARY.append(Row(f"SLA report, a year, {checks:,} checks", f"{fast:.0f} ms",
                       f"raw history: ~{per_year / 1000 / 60:.0f} min (timed over {raw_hours} h, "
                       "scaled to a year)", "< 2 s", fast < 2000))
    return [f"| SLA report, a year, {checks:,} checks | {fast:.0f} ms | "
            f"~{per_year / 1000 / 60:.0f} min (extrapolated) | {per_year / fast:.0f}x | "
            f"{len(rows)} rows (applications x months); raw timed over the last "
            f"{raw_hours} h ({slow:.0f} ms) and scaled to a year |"]


# The fullest partition of a table: its size with indexes over its rows.
SIZE = """select c.relname, pg_total_relation_size(c.oid) as size, c.reltuples as n
            from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = cast(:t as regclass) order by c.reltuples desc limit 1"""


def disk_rows(engine: Engine) -> list[str]:
    out = []
    per_row: dict[str, float] = {}
    with engine.connect() as conn:
        conn.execute(text("analyze"))
        for table in ("history", "check_rollup_1m", "check_rollup_1h", "check_rollup_1d",
                      "history_hourly"):
            row = conn.execute(text(SIZE), {"t": table}).one()
            per_row[table] = float(row.size) / row.n
            out.append(f"| `{table}` | {per_row[table]:.0f} B/row | {row.relname}: "
                       f"{int(row.n):,} rows, {row.size / 1e6:.1f} MB |")
    held = {"history": 14 * 1440, "check_rollup_1m": 90 * 1440, "check_rollup_1h": 730 * 24,
            "check_rollup_1d": 365, "history_hourly": 730 * 24}
    total = sum(per_row[t] * n for t, n in held.items())
    raw_year = 122 * 525_600
    out.append(f"| **held per check at 1-minute interval** | **{total / 1e6:.1f} MB** "
               f"(+{per_row['check_rollup_1d'] * 365 / 1e3:.0f} kB per further year of 1d) | "
               f"raw forever: {raw_year / 1e6:.0f} MB per check-year at 122 B/row |")
    SUMMARY.append(Row("disk per check at a 1-minute interval, default retention",
                       f"{total / 1e9:.3f} GB held (bounded)",
                       f"raw history today: {raw_year / 1e9:.3f} GB per check-year, growing",
                       "within the retention defaults, stated in GB", None))
    out.append(f"| 100,000 checks | {total * 1e5 / 1e9:.0f} GB held | raw: "
               f"{raw_year * 1e5 / 1e9:,.0f} GB per year, growing |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--raw-hours", type=int, default=6)
    parser.add_argument("--chart-months", type=int, default=13,
                        help="28-day months of chart history, 13 for a year (smoke runs: 1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jadugar-bench-") as tmp:
        server = os.environ.get("JADUGAR_BENCH_DATABASE_URL")
        server_url = db.sqlalchemy_url(server) if server else db.embedded_url(Path(tmp))
        engine = db.make_engine(db.sqlalchemy_url(fresh_database(server_url)))
        db.set_engine(engine)
        migrations.upgrade(engine)
        now = utcnow().replace(second=0, microsecond=0)
        check, written, rolled = chart_check(engine, now, args.chart_months)
        print(f"chart check: a year of 1-minute results written in {written:.0f} s, "
              f"rolled up (1m, 1h, 1d) in {rolled:.0f} s")
        lines = ["| what | from rollups (median) | raw rows into pandas | ratio | notes |",
                 "|---|---|---|---|---|"]
        for span in (timedelta(days=90), YEAR):
            lines += chart_rows(engine, check, now, span)
        with engine.begin() as conn:  # the chart check's year of raw rows, as retention would
            partitions.apply_retention(conn, now, {"history": KEEP["raw"],
                                                   "check_rollup_1m": KEEP["1m"]})
        spent = sla_data(engine, args.checks, args.raw_hours, now)
        print(f"SLA data for {args.checks} checks written in {spent:.0f} s")
        lines += sla_rows(engine, args.checks, args.raw_hours, now)
        lines += ["", "| table | size per row (with indexes) | measured on |", "|---|---|---|"]
        lines += disk_rows(engine)
        print("\n".join(lines))
        engine.dispose()
    emit(SUMMARY)


if __name__ == "__main__":
    main()
