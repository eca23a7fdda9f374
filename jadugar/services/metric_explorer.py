"""Series for the metrics explorer: one metric of several applications, aggregated per
date_bin bucket in SQL with the bucket's min and max kept, so spikes stay visible however
long the range. Never more than max_points buckets per series."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from jadugar import config
from jadugar.errors import Invalid
from jadugar.services import rollups
from jadugar.services.ranges import MAX_POINTS, ORIGIN, step_for
from jadugar.timeutil import utcnow

AGGREGATIONS = {
    "avg": "avg(value)", "min": "min(value)", "max": "max(value)", "sum": "sum(value)",
    "p95": "percentile_cont(0.95) within group (order by value)",
    # Counter rate per second: the rise inside the bucket of each series, summed.
    "rate": "sum(greatest(rise, 0)) / extract(epoch from cast(:step as interval))",
}

SERIES = """
with points as (
    select date_bin(:step, m.ts, :origin) as t, m.series_id, m.value
      from metrics m join metric_series s on s.id = m.series_id
      join applications a on a.id = s.application_id
     where a.slug = :app and s.name = :name and s.labels @> cast(:labels as jsonb)
       and m.ts >= :since and m.ts <= :until
){rate}
select t, {agg} as value, min({col}) as min, max({col}) as max, count(*) as count
  from {source} group by t order by t
"""
# The same buckets from a rollup, for the aggregations a rollup keeps exactly.
ROLLUP_AGGREGATIONS = {"avg": "sum(r.sum) / nullif(sum(r.count), 0)", "min": "min(r.min)",
                       "max": "max(r.max)", "sum": "sum(r.sum)"}
ROLLUP_SERIES = """
select date_bin(:step, r.ts, :origin) as t, {agg} as value, min(r.min) as min,
       max(r.max) as max, sum(r.count) as count
  from {table} r join metric_series s on s.id = r.series_id
  join applications a on a.id = s.application_id
 where a.slug = :app and s.name = :name and s.labels @> cast(:labels as jsonb)
   and r.ts >= :since and r.ts < :until
 group by 1 order by 1
"""
RATE_CTE = """, per_series as (
    select t, series_id, max(value) - min(value) as rise from points group by t, series_id
)"""


def series(conn: Connection, app: str, name: str, since: datetime, until: datetime,
           agg: str = "avg", labels: dict[str, str] | None = None,
           max_points: int = MAX_POINTS) -> list[dict[str, Any]]:
    """[{t, value, min, max, count}] per bucket (min/max of the raw values, or of the
    per-series rises for rate). avg, min, max and sum over a long range read the coarsest
    metric rollup with enough points, and raw points after its watermark."""
    if agg not in AGGREGATIONS:
        raise Invalid(f"aggregation must be one of {', '.join(AGGREGATIONS)}", field="agg")
    res = rollups.resolution_for(since, until, utcnow(), rollups.keep_days_of(config.get()))
    if agg in ROLLUP_AGGREGATIONS and res != "raw":
        done = rollups.watermarks(conn).get(f"metric_{res}")
        step = rollups.step_of(step_for(since, until, max_points), res)
        split = min(rollups.bucket(until, res), done) if done else since
        split -= (split - ORIGIN) % step
        if split > since:
            params = {"step": step, "origin": ORIGIN, "app": app, "name": name,
                      "labels": json.dumps(labels or {})}
            rolled = conn.execute(text(ROLLUP_SERIES.format(
                agg=ROLLUP_AGGREGATIONS[agg], table=f"metric_rollup_{res}")),
                {**params, "since": rollups.bucket(since, res), "until": split})
            recent = conn.execute(text(SERIES.format(
                agg=AGGREGATIONS[agg], rate="", col="value", source="points")),
                {**params, "since": split, "until": until}) if split < until else []
            return [dict(r._mapping) for r in [*rolled, *recent]]
    rate = agg == "rate"
    sql = SERIES.format(agg=AGGREGATIONS[agg], rate=RATE_CTE if rate else "",
                        col="rise" if rate else "value",
                        source="per_series" if rate else "points")
    rows = conn.execute(text(sql), {
        "step": step_for(since, until, max_points), "origin": ORIGIN, "app": app,
        "name": name, "labels": json.dumps(labels or {}), "since": since, "until": until})
    return [dict(r._mapping) for r in rows]


def choices(conn: Connection, apps: list[str] | None = None) -> dict[str, Any]:
    """Applications, the metric names of the chosen ones, and their label pairs."""
    rows = conn.execute(text("""
        select a.slug, s.name, s.labels from metric_series s
          join applications a on a.id = s.application_id
         where cast(:apps as text[]) is null or a.slug = any(:apps)
         order by a.slug, s.name"""), {"apps": apps or None}).all()
    names = sorted({r.name for r in rows})
    labels = sorted({f"{k}={v}" for r in rows for k, v in (r.labels or {}).items()})
    all_apps = [r[0] for r in conn.execute(text("select slug from applications order by slug"))]
    return {"applications": all_apps, "names": names, "labels": labels}


def parse_labels(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = str(pair).partition("=")
        if not sep or not key:
            raise Invalid(f"label {pair!r} must look like key=value", field="labels")
        out[key] = value
    return out
