"""Jadugar's own numbers at /metrics, in Prometheus text: request latency by route, Dash
callbacks, open sockets, events sent, database pool use, and the collectors' latest reports.

Two kinds of numbers, two sources:
- What a web process does (requests, sockets, events, its pool) is counted where it
  happens. Under gunicorn each worker is its own process, so prometheus-client's
  multiprocess mode keeps every value in a file of PROMETHEUS_MULTIPROC_DIR and a scrape,
  which one worker answers, adds up the files of all of them. `on_starting` makes that
  folder fresh for each server run, and `child_exit` marks a worker dead so its gauges
  (open sockets, pool) stop counting while its counters stay in the totals.
- What the collectors do is read from the `collectors` table at scrape time
  (jadugar.services.collector_status), not pushed from each collector: they are separate
  processes that already report there every few seconds, a collector that died cannot
  push its own absence (it shows as jadugar_collector_up 0 once stale), and one scrape
  target covers every collector in every location.

The metric objects are made on first use, not at import: prometheus-client picks its
value store (memory or mmap files) when a metric is made, and gunicorn's master imports
this module (for its hooks) before it knows the folder.
"""

from __future__ import annotations

import atexit
import functools
import hmac
import ipaddress
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, Response, g, request

from jadugar import auth, config, db, policy
from jadugar.errors import Forbidden, JadugarError, Unauthorized
from jadugar.timeutil import parse_time

PATH = "/metrics"
ACTION = "metrics.scrape"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"  # a path no route answers: one label, whatever was asked
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

POOL_SAMPLE_EVERY_S = 1.0  # the pool gauges are sampled, not kept exact, to stay cheap

_multiproc_dir: str | None = None  # set in gunicorn's master; forked workers inherit it
_pool_sampled_at = 0.0


class Metrics:
    """This process's metrics (in multiprocess mode: its files)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        r = self.registry
        self.request_seconds = Histogram(
            "jadugar_http_request_duration_seconds",
            "Time to answer an HTTP request, by Flask route (the URL rule, not the path).",
            ["route", "method", "status"], registry=r)
        self.callback_seconds = Histogram(
            "jadugar_dash_callback_duration_seconds",
            "Time to answer a Dash callback, by callback (first output <- first input).",
            ["callback"], registry=r)
        self.open_sockets = Gauge(
            "jadugar_socketio_open_sockets", "Open live-update (Socket.IO) connections.",
            registry=r, multiprocess_mode="livesum")
        self.events_sent = Counter(
            "jadugar_socketio_events_sent_total",
            "Live events emitted to Socket.IO rooms, by event name.", ["event"], registry=r)
        self.pool_checked_out = Gauge(
            "jadugar_db_pool_checked_out_connections",
            "Database connections in use in this web process (sampled after requests, at "
            "most once a second, and at scrape).", registry=r, multiprocess_mode="liveall")
        self.pool_size = Gauge(
            "jadugar_db_pool_size_connections",
            "Connections the pool keeps open in this web process; it may open max_overflow "
            "more.", registry=r, multiprocess_mode="liveall")


@functools.cache
def metrics() -> Metrics:
    return Metrics()


# --- gunicorn: one fresh folder per server run, dead workers marked --------------------------

def use_multiprocess_dir(path: str | None = None) -> str:
    """Count in files under `path` (made fresh: emptied if it exists), or in a new temporary
    folder removed when this process exits. Call before any worker starts."""
    global _multiproc_dir
    if path is None:
        path = tempfile.mkdtemp(prefix="jadugar-metrics-")
        master = os.getpid()
        atexit.register(_remove_dir, path, master)
    else:
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
    os.environ[MULTIPROC_ENV] = path  # prometheus-client opens its files by this variable
    from prometheus_client import values

    values.ValueClass = values.get_value_class()
    metrics.cache_clear()
    _multiproc_dir = path
    return path


def _remove_dir(path: str, owner: int) -> None:
    if os.getpid() == owner:  # forked workers run the master's atexit handlers too
        shutil.rmtree(path, ignore_errors=True)


def on_starting(_server: Any) -> None:
    use_multiprocess_dir()


def child_exit(_server: Any, worker: Any) -> None:
    if _multiproc_dir is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, _multiproc_dir)


# The hooks jadugar/web/gunicorn.py passes to gunicorn.
GUNICORN_HOOKS: dict[str, Callable[..., None]] = {
    "on_starting": on_starting, "child_exit": child_exit}


# --- what the web process counts --------------------------------------------------------------

def _start_timer() -> None:
    g.selfmetrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("selfmetrics_started", None)
    if started is None:
        return response
    took = time.perf_counter() - started
    m = metrics()
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    method = request.method if request.method in METHODS else "OTHER"
    m.request_seconds.labels(route, method, str(response.status_code)).observe(took)
    if request.path == "/_dash-update-component":
        m.callback_seconds.labels(_callback_name()).observe(took)
    sample_pool(time.monotonic())
    return response


def _callback_name() -> str:
    """The callback's name in jadugar/policy_map.py; any other is one label, so a client
    posting made-up outputs cannot grow the series."""
    from jadugar.policy_map import CALLBACKS
    from jadugar.web import guard

    try:
        body = request.get_json(silent=True)
    except JadugarError:  # a body our JSON limits refused: the route already said so
        return "<unlisted>"
    output = body.get("output") if isinstance(body, dict) else None
    spec = guard._callback_spec(output)
    key = guard.callback_key(output, spec) if spec is not None and output else None
    return key if key in CALLBACKS else "<unlisted>"


def sample_pool(now: float | None = None) -> None:
    """Set the pool gauges, unless they were set within POOL_SAMPLE_EVERY_S of `now`
    (None: set them now, as a scrape does)."""
    global _pool_sampled_at
    if now is not None and now - _pool_sampled_at < POOL_SAMPLE_EVERY_S:
        return
    _pool_sampled_at = time.monotonic() if now is None else now
    pool = db.engine().pool
    m = metrics()
    checked_out, size = getattr(pool, "checkedout", None), getattr(pool, "size", None)
    if callable(checked_out) and callable(size):
        m.pool_checked_out.set(checked_out())
        m.pool_size.set(size())


def count_event(event: str) -> None:
    """One live event emitted to one room (jadugar.web.realtime.dispatch)."""
    metrics().events_sent.labels(event).inc()


def watch_sockets(sio_server: Any) -> None:
    """Count open sockets from Engine.IO's own connect and disconnect."""
    eio = sio_server.eio
    on_connect, on_disconnect = eio.handlers["connect"], eio.handlers["disconnect"]

    def connected(eio_sid: str, environ: dict[str, Any], *rest: Any) -> Any:
        accepted = on_connect(eio_sid, environ, *rest)
        if accepted is not False:
            metrics().open_sockets.inc()
        return accepted

    def disconnected(eio_sid: str, *rest: Any) -> Any:
        metrics().open_sockets.dec()
        return on_disconnect(eio_sid, *rest)

    eio.on("connect", connected)
    eio.on("disconnect", disconnected)


# --- what the collectors reported ------------------------------------------------------------

def _read_collectors() -> list[dict[str, Any]]:
    from jadugar.services import collector_status

    with db.transaction() as conn:
        return collector_status.list_collectors(conn)


class CollectorReports:
    """A prometheus-client collector: every collector's latest report, read at scrape."""

    def __init__(self, read: Callable[[], list[dict[str, Any]]] = _read_collectors) -> None:
        self.read = read

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        database = GaugeMetricFamily("jadugar_database_up",
                                     "1 when this scrape could read the database.")
        try:
            rows = self.read()
        except Exception:  # the page still carries the web process's own numbers
            database.add_metric([], 0)
            yield database
            return
        database.add_metric([], 1)
        yield database
        names = ["collector", "location"]
        up = GaugeMetricFamily("jadugar_collector_up",
                               "1 while the collector reports; 0 once it is stale.",
                               labels=names)
        rate = GaugeMetricFamily("jadugar_collector_checks_per_second",
                                 "Checks the collector ran per second over its last minute.",
                                 labels=names)
        lag = GaugeMetricFamily("jadugar_collector_lag_seconds",
                                "How late checks started after falling due, over the "
                                "collector's last minute, by quantile.",
                                labels=[*names, "quantile"])
        spool = GaugeMetricFamily("jadugar_collector_spool_results",
                                  "Results the collector holds locally, not yet stored.",
                                  labels=names)
        seen = GaugeMetricFamily("jadugar_collector_last_report_timestamp_seconds",
                                 "When the collector last reported (Unix time).",
                                 labels=names)
        for row in rows:
            who = [row["name"], row["location"]]
            up.add_metric(who, 0 if row["stale"] else 1)
            rate.add_metric(who, row["checks_per_s"])
            for quantile, column in (("0.5", "lag_p50_ms"), ("0.99", "lag_p99_ms")):
                if row[column] is not None:
                    lag.add_metric([*who, quantile], row[column] / 1000)
            spool.add_metric(who, row["spool_size"])
            last_seen = parse_time(row["last_seen_at"], "last_seen_at")  # ISO text in rows
            if last_seen is not None:
                seen.add_metric(who, last_seen.timestamp())
        yield from (up, rate, lag, spool, seen)


def exposition(accept: str | None = None) -> tuple[bytes, str]:
    """The page: this process's metrics (or every worker's, added up) and the collectors',
    in the format the scraper's Accept header asks for (Prometheus text unless it asks for
    OpenMetrics)."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.exposition import choose_encoder

    sample_pool()
    registry = CollectorRegistry()
    if _multiproc_dir is not None:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=_multiproc_dir)
    else:
        registry.register(metrics().registry)
    registry.register(CollectorReports())
    encode, content_type = choose_encoder(accept or "")
    return encode(registry), content_type


# --- who may read it ------------------------------------------------------------------------

def _networks(raw: str | None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    parts = (p.strip() for p in (raw or "").split(","))
    return [ipaddress.ip_network(p, strict=False) for p in parts if p]


def _address_allowed(cfg: config.Config) -> bool:
    try:
        address = ipaddress.ip_address((request.remote_addr or "").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in net for net in _networks(cfg.metrics_allow))


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        return None
    return header[7:].strip() or None


def authorize(cfg: config.Config) -> None:
    """An address in JADUGAR_METRICS_ALLOW, JADUGAR_METRICS_TOKEN, an API token whose scope
    the policy table allows, or a signed-in session whose role it allows."""
    if _address_allowed(cfg):
        return
    token = _bearer()
    if token and cfg.metrics_token and hmac.compare_digest(token.encode(),
                                                          cfg.metrics_token.encode()):
        return
    if token:
        with db.transaction() as conn:
            scope = auth.token_scope(conn, token)
        if scope is None:
            raise Unauthorized("the token is neither JADUGAR_METRICS_TOKEN nor a live API token")
        policy.require(ACTION, policy.Principal("scope", scope))
        return
    who = policy.current_principal()
    if who is not None and who != policy.ANONYMOUS:
        policy.require(ACTION, who)
        return
    if cfg.metrics_allow:
        raise Forbidden(f"{request.remote_addr} is not in JADUGAR_METRICS_ALLOW; "
                        "send Authorization: Bearer <token>")
    raise Unauthorized("send Authorization: Bearer <token> (JADUGAR_METRICS_TOKEN or an API "
                       "token)")


def metrics_page() -> Response:
    authorize(config.get())
    body, content_type = exposition(request.headers.get("Accept"))
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def install(server: Flask) -> None:
    """Time every request (first of all hooks, so refusals are timed too) and serve /metrics;
    the guard (jadugar.web.guard) leaves /metrics to `authorize`."""
    server.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    server.after_request(_observe)
    server.add_url_rule(PATH, "selfmetrics.metrics", metrics_page, methods=["GET"])
