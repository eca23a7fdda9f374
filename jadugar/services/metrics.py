"""Metrics: batches in (JSON or Prometheus text; metric_ingest does the work), series out
(raw or bucketed in SQL).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid, NotFound
from jadugar.services import metric_explorer
from jadugar.services.applications import application_id
from jadugar.services.metric_ingest import (  # noqa: F401 - the service's public names
    MAX_BATCH,
    Batch,
    ingest,
    key_points,
    parse_json_batch,
    parse_prometheus,
)
from jadugar.services.ranges import step_for
from jadugar.timeutil import iso, utcnow

DEFAULT_MAX_POINTS = 1000
MAX_MAX_POINTS = 10_000


def metric_names(conn: Connection, application_slug: str) -> list[dict[str, Any]]:
    """Each metric name of an application with its label sets and latest point time."""
    app = application_id(conn, application_slug)
    rows = conn.execute(text("""
        select s.name, jsonb_agg(distinct s.labels) as labels, count(*) as series,
               (select max(m.ts) from metrics m where m.series_id = any(array_agg(s.id)))
                   as last_ts
          from metric_series s where s.application_id = :a group by s.name order by s.name"""),
        {"a": app}).all()
    return [{"name": r.name, "labels": r.labels, "series": r.series, "last_ts": iso(r.last_ts)}
            for r in rows]


def metric_series(conn: Connection, application_slug: str, name: str,
                  since: datetime | None = None, until: datetime | None = None,
                  max_points: int = DEFAULT_MAX_POINTS,
                  labels: dict[str, str] | None = None, agg: str = "avg") -> dict[str, Any]:
    """Points of one metric (all series matching `labels`, merged) between since and until.

    Returns {"application", "name", "since", "until", "mode": "raw"|"buckets", "step_s",
    "points": [{t, value}] or [{t, min, max, avg, value, count}]}. Raw points while they fit
    in max_points; otherwise date_bin buckets computed in SQL (metric_explorer.series, which
    the explorer page draws too) with `agg` (avg, min, max, p95, sum, rate) as `value`.
    """
    if not 1 <= max_points <= MAX_MAX_POINTS:
        raise Invalid(f"max_points must be between 1 and {MAX_MAX_POINTS}", field="max_points")
    app = application_id(conn, application_slug)
    until = until or utcnow()
    since = since or until - timedelta(hours=24)
    params = {"a": app, "n": name, "l": json.dumps(labels or {}), "since": since,
              "until": until}
    ids = [r[0] for r in conn.execute(text("""select id from metric_series
        where application_id = :a and name = :n and labels @> cast(:l as jsonb)"""), params)]
    if not ids:
        raise NotFound(f"no metric {name!r} for {application_slug!r}", field="name")
    params["ids"] = ids
    count = conn.execute(text("""select count(*) from metrics where series_id = any(:ids)
        and ts >= :since and ts <= :until"""), params).scalar_one()
    out = {"application": application_slug, "name": name, "since": iso(since),
           "until": iso(until), "total": count}
    if count <= max_points:
        rows = conn.execute(text("""select ts, value from metrics where series_id = any(:ids)
            and ts >= :since and ts <= :until order by ts"""), params).all()
        return {**out, "mode": "raw", "step_s": None,
                "points": [{"t": iso(r.ts), "value": r.value} for r in rows]}
    # The same buckets the metrics explorer draws: one SQL series, one step rule.
    buckets = metric_explorer.series(conn, application_slug, name, since, until, agg, labels,
                                     max_points)
    step = step_for(since, until, max_points).total_seconds()
    return {**out, "mode": "buckets", "step_s": step, "agg": agg,
            "points": [{"t": iso(b["t"]), "min": b["min"], "max": b["max"], "value": b["value"],
                        **({"avg": b["value"]} if agg == "avg" else {}), "count": b["count"]}
                       for b in buckets]}
