"""Metric points in: parse once, key once, COPY once.

A batch is all or nothing: every point is validated before anything is written, and the
error names the first bad item (`[3].value`) or line. Parsing keys each point to its series
as sent (application, name, labels): the series checks, the canonical labels and the lookup
in `metric_series` happen once per distinct series, not once per point. Points then go by
binary COPY straight into `metrics`; only when that meets a point already stored does the
batch go through a temporary table and one INSERT ... ON CONFLICT DO NOTHING.

Times are kept as PostgreSQL keeps timestamptz, microseconds since 2000-01-01 UTC, so each
distinct time is converted once and the COPY data is packed in C (struct), not row by row.
"""

from __future__ import annotations

import logging
import math
import struct
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import compress, repeat
from typing import Any

import orjson
import psycopg.errors
from sqlalchemy import Connection, text

from jadugar import events, limits, prometheus_text
from jadugar.errors import Invalid
from jadugar.memo import Memo
from jadugar.timeutil import parse_time, utcnow

log = logging.getLogger(__name__)

MAX_BATCH = 50_000
POINT_FIELDS = frozenset({"application", "name", "value", "ts", "labels"})
_SORTED = orjson.OPT_SORT_KEYS
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_PG_EPOCH_MS = 946_684_800_000
# Prometheus timestamps PostgreSQL can hold and a chart can show: years 1 to 9999, as in
# parse_time.
_MS_RANGE = range(-62_135_596_800_000, 253_402_300_800_000)
# Binary COPY: a header, then per row 3 fields of (length, bytes), then a trailer.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_ROW = struct.Struct("!hiqiqid")
_COPY_TRAILER = b"\xff\xff"


@dataclass
class Batch:
    """Points keyed to their series: `keys[key_of[i]]` is point i's (application, name,
    labels); `micros` (microseconds since PG_EPOCH) and `values` are per point."""

    keys: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    key_of: list[int] = field(default_factory=list)
    micros: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.key_of)

    @classmethod
    def of(cls, points: list[tuple]) -> Batch:
        """From (application, name, labels, value, ts) tuples, as the collector sends them."""
        batch, index, times = cls(), {}, {}
        for app, name, labels, value, ts in points:
            raw = (app, name, tuple(labels.items()))
            k = index.get(raw)
            if k is None:
                k = index[raw] = len(batch.keys)
                batch.keys.append((app, name, labels))
            at = times.get(ts)
            if at is None:
                aware = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
                at = times[ts] = (aware - PG_EPOCH) // _US
            batch.key_of.append(k)
            batch.micros.append(at)
            batch.values.append(value)
        return batch


def parse_json_batch(items: Any) -> Batch:
    """Validate `[{application, name, value, ts?, labels?}]`, naming the first bad item."""
    if not isinstance(items, list):
        raise Invalid("the body must be a list of metric points", field="body")
    if not items:
        raise Invalid("the batch is empty", field="body")
    if len(items) > MAX_BATCH:
        raise Invalid(f"at most {MAX_BATCH} points per batch", field="body")
    now = utcnow()
    batch = key_points(items, now, only_known_fields=False)
    if batch is None:  # some point is bad: the item-by-item path says which and why
        batch = Batch.of([_point(i, item, now) for i, item in enumerate(items)])
    return batch


def key_points(items: list, now: datetime, only_known_fields: bool = True) -> Batch | None:
    """The batch when every item is a well-formed point, else None (and nothing said:
    `_point` finds the first bad item). `only_known_fields` also turns away items with other
    fields, so a batch taken here is at most three levels deep."""
    batch = Batch()
    keys, key_of, micros, values = batch.keys, batch.key_of, batch.micros, batch.values
    index: dict[tuple, int] = {}
    now_us = (now - PG_EPOCH) // _US
    times: dict[Any, int] = {None: now_us, "": now_us}  # each distinct ts is parsed once
    try:
        for item in items:
            if type(item) is not dict or (only_known_fields
                                          and not POINT_FIELDS.issuperset(item)):
                return None
            labels = item.get("labels")
            # Names then values: as unambiguous as the items, and half the cost to build.
            raw = ((item["application"], item["name"], *labels, *labels.values()) if labels
                   else (item["application"], item["name"]))
            k = index.get(raw)
            if k is None:
                key = _checked.get(raw)
                if key is None:
                    key = _series_key(item["application"], item["name"], labels or {})
                    if key is None:
                        return None
                    _checked.keep(raw, key)
                k = index[raw] = len(keys)
                keys.append(key)
            value = item["value"]
            if type(value) is not float:
                if type(value) is not int:
                    return None  # bool too: it is a subclass of int, not int itself
                value = float(value)
            elif value - value != 0:  # inf or nan
                return None
            ts = item.get("ts")
            if type(ts) is bool:  # before the lookup: True == 1 would find the time of 1
                return None
            at = times.get(ts)
            if at is None:
                at = times[ts] = (parse_time(ts, "ts") - PG_EPOCH) // _US
            key_of.append(k)
            micros.append(at)
            values.append(value)
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError, Invalid):
        return None
    return batch


# Series as sent that passed _series_key, for the next batches (checking needs no database).
_checked: Memo[tuple, tuple[str, str, dict[str, str]]] = Memo(100_000)


def _series_key(app: Any, name: Any, labels: Any) -> tuple[str, str, dict] | None:
    if not (isinstance(app, str) and isinstance(name, str) and isinstance(labels, dict)):
        return None
    app, name = app.strip(), name.strip()
    if not app or not name or not all(isinstance(v, str) for v in labels.values()):
        return None
    if limits.series_problem(name, labels):
        return None
    return app, name, labels


def _point(i: int, item: Any, now: datetime) -> tuple[str, str, dict, float, datetime]:
    where = f"[{i}]"
    if not isinstance(item, dict):
        raise Invalid(f"item {i} must be an object", field=where)
    for key in ("application", "name"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise Invalid(f"item {i}: {key} is required", field=f"{where}.{key}")
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
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


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        return False


def parse_prometheus(body: str, application: str | None) -> Batch:
    if not application:
        raise Invalid("Prometheus text needs ?application=<slug>", field="application")
    if "\x00" in body:  # a label value may hold any character but this one: jsonb refuses it
        line = body.count("\n", 0, body.index("\x00")) + 1
        raise Invalid(f"line {line}: a NUL character cannot be stored", field="body")
    try:
        columns = prometheus_text.parse_columns(body, _within_limits)
    except prometheus_text.SampleRefused as exc:
        raise Invalid(str(exc), field="body", code="limit_exceeded") from None
    except ValueError as exc:
        raise Invalid(f"cannot parse Prometheus text: {exc}", field="body") from None
    series_of, values, stamps = columns.series_of, columns.values, columns.timestamps
    if not math.isfinite(sum(values)):  # one pass in C; a sum too large comes here too
        # NaN/Inf have no place on a chart; exporters emit them for "no data".
        finite = [v - v == 0 for v in values]
        series_of, values, stamps = (list(compress(column, finite))
                                     for column in (series_of, values, stamps))
    if not values:
        raise Invalid("no finite samples in the Prometheus text", field="body")
    batch = Batch(micros=_micros(stamps, series_of, columns.series), values=values)
    used = dict.fromkeys(series_of)  # only series with a finite sample, in order of first
    if len(used) < len(columns.series):
        place = {k: i for i, k in enumerate(used)}
        series_of = list(map(place.__getitem__, series_of))
    batch.keys = [(application, *columns.series[k]) for k in used]
    batch.key_of = series_of
    return batch


def _micros(stamps: list[int | None], series_of: list[int],
            series: list[tuple[str, dict[str, str]]]) -> list[int]:
    """Each sample's time in microseconds since PG_EPOCH: now when it has no timestamp.
    Each distinct timestamp is converted once."""
    at: dict[int | None, int] = {None: (utcnow() - PG_EPOCH) // _US}
    for ms in set(stamps):
        if ms is not None:
            if ms not in _MS_RANGE:
                i = next(i for i, t in enumerate(stamps) if t is not None and t not in _MS_RANGE)
                raise Invalid(f"the timestamp {stamps[i]} of {series[series_of[i]][0]} is out "
                              "of range", field="body")
            at[ms] = (ms - _PG_EPOCH_MS) * 1000
    return list(map(at.__getitem__, stamps))


# Series (name, label names, label values) found within the size limits, for the next
# batches.
_within: Memo[tuple, bool] = Memo(100_000)


def _within_limits(sample: prometheus_text.Sample) -> None:
    labels = sample.labels
    series = (sample.name, *labels, *labels.values())
    if series in _within:
        return
    problem = limits.series_problem(sample.name, labels)
    if problem:
        raise prometheus_text.SampleRefused(problem[1])
    _within.keep(series, True)


def ingest(conn: Connection, points: Batch | list[tuple],
           max_new_series: int | None = None) -> dict[str, Any]:
    """1. resolve applications, 2. find the series, refusing more than `max_new_series` new
    ones (the API's cap; the collector has none) and creating the others, 3. COPY the
    points (a repeated point for the same series and time keeps the first value, a point
    already stored keeps the stored one), 4. one `metrics` event per application.

    The API has refused series over the size limits already; a scraped one is dropped
    here with a log line, so that it can never fail the collector's whole batch."""
    batch = points if isinstance(points, Batch) else Batch.of(_indexable(points))
    slugs = sorted({k[0] for k in batch.keys})
    apps = dict(conn.execute(text("select slug, id from applications where slug = any(:s)"),
                             {"s": slugs}).all())
    unknown = {k for k, key in enumerate(batch.keys) if key[0] not in apps}
    if unknown:
        i = next(i for i, k in enumerate(batch.key_of) if k in unknown)
        raise Invalid(f"item {i}: no application {batch.keys[batch.key_of[i]][0]!r}",
                      field=f"[{i}].application")
    canonical: dict[tuple[int, str, bytes], int] = {}
    key_to_series = [canonical.setdefault((apps[a], n, orjson.dumps(lb, option=_SORTED)),
                                          len(canonical)) for a, n, lb in batch.keys]
    ids = _series_ids(conn, list(canonical), max_new_series)
    sid_of_key = [ids[c] for c in key_to_series]
    sids = [sid_of_key[k] for k in batch.key_of]
    written = _write_points(conn, sids, batch.micros, batch.values)
    per_key = Counter(batch.key_of)
    for slug in slugs:
        names = sorted({n for a, n, _ in batch.keys if a == slug})
        count = sum(c for k, c in per_key.items() if batch.keys[k][0] == slug)
        events.publish(conn, "metrics", {"application": slug, "names": names[:50],
                                           "count": count})
    return {"accepted": len(batch), "written": written, "series": len(canonical)}


def _indexable(points: list[tuple]) -> list[tuple]:
    kept = [p for p in points if not limits.series_problem(p[1], p[2])]
    if len(kept) < len(points):
        log.warning("dropped %d metric points whose series is over the size limits "
                    "(first: %.100r)", len(points) - len(kept),
                    next(p[1] for p in points if limits.series_problem(p[1], p[2])))
    return kept


# Keys travel as one JSON array of [application_id, name, labels]: psycopg escapes the
# elements of a text[] parameter one by one in Python, twenty times slower for 1,000 keys.
_KEYS = """(select (e->>0)::bigint as a, e->>1 as n, e->2 as l, i
    from jsonb_array_elements(cast(:keys as jsonb)) with ordinality x(e, i))"""


def _series_ids(conn: Connection, keys: list[tuple[int, str, bytes]],
                cap: int | None) -> list[int]:
    """The id of each (application_id, name, labels JSON), creating the missing ones: one
    query when all exist, as they do after a series' first batch."""
    ids: list[int | None] = [None] * len(keys)
    for i, sid in _find_series(conn, keys):
        ids[i] = sid
    missing = [i for i, sid in enumerate(ids) if sid is None]
    if not missing:
        return ids  # type: ignore[return-value]
    if cap is not None and len(missing) > cap:
        raise Invalid(f"this call would create {len(missing)} new series; at most {cap} per "
                      "call (send fewer label combinations, or spread them over several "
                      "calls)", field="body", code="limit_exceeded")
    # Sorted, so that two calls creating the same series lock them in the same order.
    new = sorted(keys[i] for i in missing)
    conn.execute(text(f"""insert into metric_series (application_id, name, labels)
        select a, n, l from {_KEYS} k order by i
        on conflict (application_id, name, labels) do nothing"""), {"keys": _json_keys(new)})
    for j, sid in _find_series(conn, [keys[i] for i in missing]):
        ids[missing[j]] = sid
    return ids  # type: ignore[return-value]


def _find_series(conn: Connection, keys: list[tuple[int, str, bytes]]) -> list[tuple[int, int]]:
    """(position in keys, series id) of those that exist."""
    rows = conn.execute(text(f"""select k.i, s.id from metric_series s join {_KEYS} k
        on s.application_id = k.a and s.name = k.n and s.labels = k.l"""),
                        {"keys": _json_keys(keys)})
    return [(i - 1, sid) for i, sid in rows]


def _json_keys(keys: list[tuple[int, str, bytes]]) -> str:
    return "[" + ",".join(f"[{a},{orjson.dumps(n).decode()},{lb.decode()}]"
                          for a, n, lb in keys) + "]"


def _write_points(conn: Connection, sids: list[int], micros: list[int],
                  values: list[float]) -> int:
    """COPY straight into `metrics`; a batch that meets stored points instead goes to a
    temporary table and one INSERT that skips them. Returns the points written."""
    if len(set(zip(sids, micros, strict=True))) < len(sids):
        first: dict[tuple[int, int], float] = {}
        for sid, at, value in zip(sids, micros, values, strict=True):
            first.setdefault((sid, at), value)
        sids, micros, values = [k[0] for k in first], [k[1] for k in first], [*first.values()]
    data = b"".join(map(_COPY_ROW.pack, repeat(3), repeat(8), sids, repeat(8), micros,
                        repeat(8), values))
    try:
        with conn.begin_nested():
            _copy(conn, "metrics", data)
            return len(sids)
    except psycopg.errors.UniqueViolation:
        pass
    conn.execute(text("create temp table if not exists _points (like metrics) "
                      "on commit drop"))
    conn.execute(text("truncate _points"))
    _copy(conn, "_points", data)
    return conn.execute(text("""insert into metrics (series_id, ts, value)
        select series_id, ts, value from _points on conflict do nothing""")).rowcount


def _copy(conn: Connection, table: str, rows: bytes) -> None:
    """Binary COPY of packed (series_id, ts, value) rows (db.copy_rows writes row by row)."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(
            f"copy {table} (series_id, ts, value) from stdin (format binary)") as cp:
        cp.write(_COPY_HEADER)
        cp.write(rows)
        cp.write(_COPY_TRAILER)
