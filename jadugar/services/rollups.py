"""Rollups of check results and metric points at 1 minute, 1 hour and 1 day, and of check
results per calendar month (for the SLA report), set-based.

Each rollup has a watermark (rollup_watermarks): every bucket before it is complete. A run
computes the buckets closed since the watermark (and a few before it again, for results
that arrived late) with one INSERT ... SELECT ... GROUP BY date_bin ... ON CONFLICT DO
UPDATE per rollup. A bucket is recomputed whole from its source, so a run can repeat
without counting twice. 1m reads raw rows, 1h reads 1m, 1d reads 1h, 1mo reads 1d.

Results that arrive later than RECHECK after their minute (a collector's spool replayed
after a long outage) are in raw history but not in the rollups until `rebuild` is run
over their range (`jadugar`'s docs/data-lifecycle.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, text

from jadugar.services import histogram, partitions
from jadugar.services.ranges import ORIGIN

RES = {"1m": timedelta(minutes=1), "1h": timedelta(hours=1), "1d": timedelta(days=1)}
# A minute is rolled up once it has been closed this long (collectors write in batches).
DELAY = timedelta(minutes=2)
# Buckets this far before the watermark are computed again, for late results.
RECHECK = timedelta(minutes=5)
# Most source time one run reads per rollup, so catching up after a pause stays in bounds.
CHUNK = {"1m": timedelta(hours=6), "1h": timedelta(days=7), "1d": timedelta(days=120),
         "1mo": timedelta(days=400)}
# How a resolution bins time: a fixed step from ORIGIN, or a calendar month in UTC.
BIN = {"1mo": "date_trunc('month', ts, 'UTC')"}
FIXED_BIN = "date_bin(:step, ts, :origin)"


@dataclass(frozen=True)
class Rollup:
    name: str  # also the watermark's name
    kind: str  # check or metric
    res: str
    source: str  # table read
    finer: str | None  # the rollup whose watermark bounds this one (None: raw)

    @property
    def table(self) -> str:
        return f"{self.kind}_rollup_{self.res}"


ROLLUPS = [
    Rollup("check_1m", "check", "1m", "history", None),
    Rollup("check_1h", "check", "1h", "check_rollup_1m", "check_1m"),
    Rollup("check_1d", "check", "1d", "check_rollup_1h", "check_1h"),
    Rollup("check_1mo", "check", "1mo", "check_rollup_1d", "check_1d"),
    Rollup("metric_1m", "metric", "1m", "metrics", None),
    Rollup("metric_1h", "metric", "1h", "metric_rollup_1m", "metric_1m"),
    Rollup("metric_1d", "metric", "1d", "metric_rollup_1h", "metric_1h"),
]
BY_NAME = {r.name: r for r in ROLLUPS}

CHECK_SET = """total = excluded.total, up = excluded.up, degraded = excluded.degraded,
    down = excluded.down, ms_count = excluded.ms_count, ms_sum = excluded.ms_sum,
    ms_min = excluded.ms_min, ms_max = excluded.ms_max, ms_hist = excluded.ms_hist,
    down_runs = excluded.down_runs, first_down = excluded.first_down,
    last_down = excluded.last_down"""
METRIC_SET = """count = excluded.count, sum = excluded.sum, min = excluded.min,
    max = excluded.max, last = excluded.last"""

# Raw results: runs of 'down' counted inside each bucket with lag/lead over the bucket.
CHECK_FROM_RAW = f"""
insert into {{table}} as r
select check_id, t, count(*), count(*) filter (where status = 'up'),
       count(*) filter (where status = 'degraded'), count(*) filter (where status = 'down'),
       count(response_ms), coalesce(sum(response_ms::float8), 0), min(response_ms),
       max(response_ms),
       {histogram.build_sql('response_ms')},
       count(*) filter (where status = 'down' and prev is distinct from 'down'),
       bool_or(prev is null and status = 'down'), bool_or(next is null and status = 'down')
  from (select check_id, status, response_ms, date_bin(:step, ts, :origin) as t,
               lag(status) over w as prev, lead(status) over w as next
          from history where ts >= :lo and ts < :hi
        window w as (partition by check_id, date_bin(:step, ts, :origin) order by ts)) h
 group by check_id, t order by check_id, t
on conflict (check_id, ts) do update set {CHECK_SET}
"""
# Finer rollups: a run of 'down' that crosses from one bucket into the next is one run.
CHECK_FROM_ROLLUP = f"""
insert into {{table}} as r
select check_id, t, sum(total), sum(up), sum(degraded), sum(down), sum(ms_count),
       sum(ms_sum), min(ms_min), max(ms_max), {histogram.merge_sql('ms_hist')},
       sum(down_runs) - count(*) filter (where first_down and prev_last_down),
       bool_or(prev_last_down is null and first_down),
       bool_or(is_last and last_down)
  from (select s.*, {{bin}} as t,
               lag(last_down) over w as prev_last_down,
               lead(ts) over w is null as is_last
          from {{source}} s where ts >= :lo and ts < :hi
        window w as (partition by check_id, {{bin}} order by ts)) f
 group by check_id, t order by check_id, t
on conflict (check_id, ts) do update set {CHECK_SET}
"""
METRIC_FROM_RAW = f"""
insert into {{table}} as r
select series_id, date_bin(:step, ts, :origin) as t, count(*), sum(value), min(value),
       max(value), (array_agg(value order by ts desc))[1]
  from metrics where ts >= :lo and ts < :hi
 group by 1, 2 order by 1, 2
on conflict (series_id, ts) do update set {METRIC_SET}
"""
METRIC_FROM_ROLLUP = f"""
insert into {{table}} as r
select series_id, date_bin(:step, ts, :origin) as t, sum(count), sum(sum), min(min),
       max(max), (array_agg(last order by ts desc))[1]
  from {{source}} where ts >= :lo and ts < :hi
 group by 1, 2 order by 1, 2
on conflict (series_id, ts) do update set {METRIC_SET}
"""
SQL = {("check", True): CHECK_FROM_RAW, ("check", False): CHECK_FROM_ROLLUP,
       ("metric", True): METRIC_FROM_RAW, ("metric", False): METRIC_FROM_ROLLUP}


def bucket(ts: datetime, res: str) -> datetime:
    """The start of the res-bucket holding ts (date_bin with the charts' ORIGIN; for 1mo
    the first of the month, UTC)."""
    if res == "1mo":
        return partitions.floor(ts, "month")
    step = RES[res]
    return ts - (ts - ORIGIN) % step


def compute(conn: Connection, rollup: Rollup, lo: datetime, hi: datetime) -> int:
    """(Re)compute every bucket of `rollup` in [lo, hi); both are on bucket bounds."""
    sql = SQL[(rollup.kind, rollup.finer is None)].format(
        table=rollup.table, source=rollup.source, bin=BIN.get(rollup.res, FIXED_BIN))
    return conn.execute(text(sql), {"step": RES.get(rollup.res), "origin": ORIGIN, "lo": lo,
                                    "hi": hi}).rowcount


def watermarks(conn: Connection) -> dict[str, datetime]:
    return dict(conn.execute(text("select name, done_until from rollup_watermarks")).all())


def _set_watermark(conn: Connection, name: str, until: datetime) -> None:
    conn.execute(text("""insert into rollup_watermarks values (:n, :t)
        on conflict (name) do update set done_until = excluded.done_until"""),
        {"n": name, "t": until})


def _oldest(conn: Connection, table: str) -> datetime | None:
    # Once per rollup, on its first run: a scan, but only then.
    return conn.execute(text(f"select min(ts) from {table}")).scalar_one()  # noqa: S608


def run(conn: Connection, now: datetime) -> bool:
    """One step of every rollup, finest first. True when some rollup is still behind
    (the caller runs again, in a new transaction)."""
    marks = watermarks(conn)
    behind = False
    for rollup in ROLLUPS:
        closed = (bucket(now - DELAY, rollup.res) if rollup.finer is None
                  else marks.get(rollup.finer))
        if closed is None:
            continue
        closed = bucket(closed, rollup.res)
        done = marks.get(rollup.name)
        if done is None:
            oldest = _oldest(conn, rollup.source)
            done = bucket(oldest, rollup.res) if oldest is not None else closed
            lo = done
        elif done >= closed:
            continue
        else:
            lo = bucket(done - RECHECK, rollup.res)
        hi = min(closed, bucket(lo + CHUNK[rollup.res], rollup.res))
        if hi > lo:
            compute(conn, rollup, lo, hi)
        _set_watermark(conn, rollup.name, max(hi, done))
        marks[rollup.name] = max(hi, done)
        behind = behind or hi < closed
    return behind


def rebuild(conn: Connection, since: datetime, until: datetime,
            kinds: tuple[str, ...] = ("check", "metric")) -> None:
    """Recompute every rollup over [since, until), widened to whole days: after a long
    outage whose spooled results came in later than RECHECK, or to fill the rollups of
    data loaded in bulk. Watermarks are left alone."""
    lo, hi = bucket(since, "1d"), bucket(until - timedelta(microseconds=1), "1d") + RES["1d"]
    for rollup in ROLLUPS:
        if rollup.kind not in kinds:
            continue
        if rollup.res == "1mo":  # whole months, from the days just computed and the rest
            compute(conn, rollup, bucket(lo, "1mo"),
                    partitions.following(bucket(hi - timedelta(microseconds=1), "1mo"),
                                         "month"))
        else:
            compute(conn, rollup, lo, hi)


def keep_after(marks: dict[str, datetime]) -> dict[str, datetime | None]:
    """For retention: nothing a coarser rollup has not read yet may be dropped."""
    return {"history": marks.get("check_1m"), "metrics": marks.get("metric_1m"),
            "check_rollup_1m": marks.get("check_1h"),
            "metric_rollup_1m": marks.get("metric_1h"),
            "check_rollup_1h": marks.get("check_1d"),
            "check_rollup_1d": marks.get("check_1mo"),
            "metric_rollup_1h": marks.get("metric_1d")}


def retention_days(cfg: object) -> dict[str, int]:
    """Retention in days per partitioned table, from the settings (0: forever)."""
    raw, m, h, d = (cfg.retention_raw_days, cfg.retention_1m_days,  # type: ignore[attr-defined]
                    cfg.retention_1h_days, cfg.retention_1d_days)  # type: ignore[attr-defined]
    return {"history": raw, "metrics": raw, "check_rollup_1m": m, "metric_rollup_1m": m,
            "check_rollup_1h": h, "metric_rollup_1h": h, "check_rollup_1d": d,
            "metric_rollup_1d": d, "history_hourly": h,
            "test_results": cfg.retention_test_results_days}  # type: ignore[attr-defined]


# A chart reads the coarsest resolution that still gives this many points.
MIN_POINTS = 300
KEEP_SETTING = {"raw": "retention_raw_days", "1m": "retention_1m_days",
                "1h": "retention_1h_days", "1d": "retention_1d_days"}


def resolution_for(since: datetime, until: datetime, now: datetime,
                   keep_days: dict[str, int]) -> str:
    """'1d', '1h', '1m' or 'raw': the coarsest whose buckets give at least MIN_POINTS over
    the range and which is still kept at `since`; else the finest still kept."""
    def kept(res: str) -> bool:
        days = keep_days.get(res, 0)
        return days <= 0 or since >= now - timedelta(days=days)

    for res in ("1d", "1h", "1m"):
        if (until - since) / RES[res] >= MIN_POINTS and kept(res):
            return res
    return next((r for r in ("raw", "1m", "1h") if kept(r)), "1d")


def keep_days_of(cfg: object) -> dict[str, int]:
    return {res: getattr(cfg, name) for res, name in KEEP_SETTING.items()}


def step_of(step: timedelta, res: str) -> timedelta:
    """A chart bucket that is a whole number of rollup buckets (so both bin alike)."""
    whole = RES[res]
    return max(whole, -(-step // whole) * whole)
