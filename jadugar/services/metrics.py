"""Metrics: batches in (JSON or Prometheus text), series out (raw or bucketed in SQL).

A batch is all or nothing: every item is validated before anything is written, and the
error names the first bad item's index (`[3].value`). Series rows are upserted once per
distinct (application, name, labels); points go in by binary COPY.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar import db, events, limits, prometheus_text
from jadugar.errors import Invalid, NotFound
from jadugar.services import metric_explorer
from jadugar.services.applications import application_id
from jadugar.services.ranges import step_for
from jadugar.timeutil import iso, parse_time, utcnow

log = logging.getLogger(__name__)

MAX_BATCH = 50_000
DEFAULT_MAX_POINTS = 1000
MAX_MAX_POINTS = 10_000


def parse_json_batch(items: Any) -> list[tuple[str, str, dict, float, datetime]]:
    """Validate `[{application, name, value, ts?, labels?}]` into tuples, naming the first
    bad item."""
    if not isinstance(items, list):
        raise Invalid("the body must be a list of metric points", field="body")
    if not items:
        raise Invalid("the batch is empty", field="body")
    if len(items) > MAX_BATCH:
        raise Invalid(f"at most {MAX_BATCH} points per batch", field="body")
    now = utcnow()
    return [_point(i, item, now) for i, item in enumerate(items)]


def _point(i: int, item: Any, now: datetime) -> tuple[str, str, dict, float, datetime]:
    where = f"[{i}]"
    if not isinstance(item, dict):
        raise Invalid(f"item {i} must be an object", field=where)
    for key in ("application", "name"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise Invalid(f"item {i}: {key} is required", field=f"{where}.{key}")
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value):
        raise Invalid(f"item {i}: value must be a finite number", field=f"{where}.value")
    labels = item.get("labels") or {}
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise Invalid(f"item {i}: labels must map names to strings", field=f"{where}.labels")
    name = item["name"].strip()
    problem = limits.series_problem(name, labels)
    if problem:
        raise Invalid(f"item {i}: {problem[1]}", field=f"{where}.{problem[0]}",
                      code="limit_exceeded")
    ts = parse_time(item.get("ts"), f"{where}.ts") or now
    return item["application"].strip(), name, labels, float(value), ts


def parse_prometheus(body: str, application: str | None) -> list[tuple]:
    if not application:
        raise Invalid("Prometheus text needs ?application=<slug>", field="application")
    try:
        samples = prometheus_text.parse(body, _within_limits)
    except prometheus_text.SampleRefused as exc:
        raise Invalid(str(exc), field="body", code="limit_exceeded") from None
    except ValueError as exc:
        raise Invalid(f"cannot parse Prometheus text: {exc}", field="body") from None
    now = utcnow()
    points = []
    for s in samples:
        if not math.isfinite(s.value):
            continue  # NaN/Inf have no place on a chart; exporters emit them for "no data"
        ts = (datetime.fromtimestamp(s.timestamp_ms / 1000, now.tzinfo)
              if s.timestamp_ms is not None else now)
        points.append((application, s.name, s.labels, s.value, ts))
    if not points:
        raise Invalid("no finite samples in the Prometheus text", field="body")
    return points


def _within_limits(sample: prometheus_text.Sample) -> None:
    problem = limits.series_problem(sample.name, sample.labels)
    if problem:
        raise prometheus_text.SampleRefused(problem[1])


def ingest(conn: Connection, points: list[tuple],
           max_new_series: int | None = None) -> dict[str, Any]:
    """1. resolve applications, 2. refuse more than `max_new_series` new series (the API's
    cap; the collector has none), 3. upsert series, 4. COPY points (a repeated point for the
    same series and time keeps the first value), 5. one `metrics` event per application.

    The API has refused series over the size limits already; a scraped one is dropped
    here with a log line, so that it can never fail the collector's whole batch."""
    points = _indexable(points)
    slugs = sorted({p[0] for p in points})
    apps = dict(conn.execute(text("select slug, id from applications where slug = any(:s)"),
                             {"s": slugs}).all())
    for i, p in enumerate(points):
        if p[0] not in apps:
            raise Invalid(f"item {i}: no application {p[0]!r}", field=f"[{i}].application")
    keys = sorted({(apps[p[0]], p[1], json.dumps(p[2], sort_keys=True)) for p in points})
    if max_new_series is not None and len(keys) > max_new_series:
        _cap_new_series(conn, keys, max_new_series)
    series = _upsert_series(conn, keys)
    conn.execute(text("create temp table if not exists _points (like metrics) "
                      "on commit drop"))
    conn.execute(text("truncate _points"))
    rows = ((series[(apps[p[0]], p[1], json.dumps(p[2], sort_keys=True))], p[4], p[3])
            for p in points)
    db.copy_rows(conn, "_points", ["series_id", "ts", "value"], rows,
                 ["int8", "timestamptz", "float8"])
    written = conn.execute(text("""insert into metrics select distinct on (series_id, ts) *
        from _points on conflict do nothing""")).rowcount
    for slug in slugs:
        names = sorted({p[1] for p in points if p[0] == slug})
        events.publish(conn, "metrics", {"application": slug, "names": names[:50],
                                           "count": sum(1 for p in points if p[0] == slug)})
    return {"accepted": len(points), "written": written, "series": len(series)}


def _indexable(points: list[tuple]) -> list[tuple]:
    kept = [p for p in points if not limits.series_problem(p[1], p[2])]
    if len(kept) < len(points):
        log.warning("dropped %d metric points whose series is over the size limits "
                    "(first: %.100r)", len(points) - len(kept),
                    next(p[1] for p in points if limits.series_problem(p[1], p[2])))
    return kept


def _cap_new_series(conn: Connection, keys: list[tuple[int, str, str]], cap: int) -> None:
    known = conn.execute(text("""select count(*) from metric_series s
        join unnest(cast(:a as bigint[]), cast(:n as text[]), cast(:l as jsonb[])) k(a, n, l)
          on s.application_id = k.a and s.name = k.n and s.labels = k.l"""),
        {"a": [k[0] for k in keys], "n": [k[1] for k in keys],
         "l": [k[2] for k in keys]}).scalar_one()
    new = len(keys) - known
    if new > cap:
        raise Invalid(f"this call would create {new} new series; at most {cap} per call "
                      "(send fewer label combinations, or spread them over several calls)",
                      field="body", code="limit_exceeded")


def _upsert_series(conn: Connection, keys: list[tuple[int, str, str]]) -> dict:
    conn.execute(text("""insert into metric_series (application_id, name, labels)
        select * from unnest(cast(:a as bigint[]), cast(:n as text[]), cast(:l as jsonb[]))
        on conflict (application_id, name, labels) do nothing"""),
        {"a": [k[0] for k in keys], "n": [k[1] for k in keys], "l": [k[2] for k in keys]})
    rows = conn.execute(text("""select s.id, s.application_id, s.name, s.labels::text
        from metric_series s join unnest(cast(:a as bigint[]), cast(:n as text[]),
                                         cast(:l as jsonb[])) k(a, n, l)
          on s.application_id = k.a and s.name = k.n and s.labels = k.l"""),
        {"a": [k[0] for k in keys], "n": [k[1] for k in keys], "l": [k[2] for k in keys]})
    return {(r.application_id, r.name, json.dumps(json.loads(r.labels), sort_keys=True)): r.id
            for r in rows}


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
