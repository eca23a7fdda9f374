"""Metric ingest through the API next to a raw binary COPY of the same rows, in one run.

    python -m bench.metric_ingest [--clients 4] [--batch 5000] [--batches 25]

1. PostgreSQL: JADUGAR_DATABASE_URL when set (the bench creates its own application and
   series there and leaves their rows behind), else an embedded one in a temp folder.
2. The real web server (`jadugar serve`, its default options unless --serve-args) on a
   loopback port, with an ingest token.
3. The shape: one application, --series series (100 metric names x hosts, two labels), each
   batch holds --batch points: every series at batch/series consecutive seconds.
4. Phases, each with --clients processes sending --batches batches (bodies built before
   the clock starts, every batch at its own times, so nothing conflicts):
   `copy` (binary COPY of (series_id, ts, value) straight into `metrics`, one transaction per
   batch), `json` (POST /api/v1/metrics), `prometheus` (the same as text/plain with
   millisecond timestamps), then `copy` again. Points/s per phase and the API phases as a
   ratio to the mean of the two COPY phases; at the end every point is counted in the table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import text  # noqa: E402
from support_processes import free_port, start_process, stop_process, wait_http  # noqa: E402

from bench.suite import Row, bench_database, emit  # noqa: E402
from jadugar import auth, db  # noqa: E402
from jadugar.services import applications  # noqa: E402

APP = "bench-ingest"
PHASES = ("copy", "json", "prometheus", "copy")


def series_keys(count: int) -> list[tuple[str, dict[str, str]]]:
    hosts = max(1, count // 100)
    return [(f"bench_metric_{n:03d}", {"host": f"host-{h:03d}", "region": "eu"})
            for n in range(min(count, 100)) for h in range(hosts)][:count]


def batch_times(start: datetime, index: int, per_batch: int) -> list[datetime]:
    first = start + timedelta(seconds=index * per_batch)
    return [first + timedelta(seconds=s) for s in range(per_batch)]


def json_body(keys: list, times: list[datetime], seed: int) -> bytes:
    items = [{"application": APP, "name": name, "value": (seed * 7919 + i) % 1000 / 7,
              "ts": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "labels": labels}
             for t in times for i, (name, labels) in enumerate(keys)]
    return json.dumps(items).encode()


def prometheus_body(keys: list, times: list[datetime], seed: int) -> bytes:
    lines = []
    for t in times:
        ms = int(t.timestamp() * 1000)
        for i, (name, labels) in enumerate(keys):
            pairs = ",".join(f'{k}="{v}"' for k, v in labels.items())
            lines.append(f"{name}{{{pairs}}} {(seed * 7919 + i) % 1000 / 7} {ms}")
    return ("\n".join(lines) + "\n").encode()


def post_batches(base: str, token: str, kind: str, bodies: list[bytes], go: Any,
                 out: Any) -> None:
    host, port = base.removeprefix("http://").split(":")
    path, ctype = (("/api/v1/metrics", "application/json") if kind == "json" else
                   (f"/api/v1/metrics?application={APP}", "text/plain"))
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": ctype}
    go.wait()
    started, errors = time.monotonic(), []
    for body in bodies:
        conn.request("POST", path, body=body, headers=headers)
        r = conn.getresponse()
        answer = r.read()
        if r.status != 201:
            errors.append(f"{r.status} {answer[:200]!r}")
    out.put((started, time.monotonic(), errors))


def copy_batches(url: str, batches: list[list[tuple]], go: Any, out: Any) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        go.wait()
        started = time.monotonic()
        for rows in batches:
            with conn.transaction(), conn.cursor() as cur, cur.copy(
                    "copy metrics (series_id, ts, value) from stdin (format binary)") as cp:
                cp.set_types(["int8", "timestamptz", "float8"])
                for row in rows:
                    cp.write_row(row)
        out.put((started, time.monotonic(), []))


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])
                                                       + int(fields[13]) + int(fields[14])))
    wanted, total, grew = {root}, 0.0, True
    while grew:
        more = {pid for pid, (ppid, _) in stats.items() if ppid in wanted} - wanted
        grew = bool(more)
        wanted |= more
    for pid in wanted:
        total += stats.get(pid, (0, 0))[1]
    return total / ticks


def cpu_split(web: int, pg: int | None) -> tuple[float, float, float]:
    """CPU seconds so far of (the web server, this bench's clients, PostgreSQL)."""
    web_s = tree_cpu(web)
    return web_s, tree_cpu(os.getpid()) - web_s, tree_cpu(pg) if pg else 0.0


def run_phase(kind: str, work: list[Any], target: Any, extra: tuple) -> tuple[float, list]:
    """Start one process per client, release them together; return (seconds from the
    first start to the last finish, errors)."""
    ctx = mp.get_context("fork")
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*extra, *([kind] if target is post_batches
                                                          else []), w, go, out))
             for w in work]
    for p in procs:
        p.start()
    time.sleep(0.5)
    go.set()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    seconds = max(r[1] for r in results) - min(r[0] for r in results)
    return seconds, [e for r in results for e in r[2]]


def _ids_by_key(url: str, app_id: int, keys: list) -> dict[tuple, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("""select k.i, s.id from unnest(%s::text[], %s::jsonb[])
            with ordinality k(n, l, i) join metric_series s
              on s.application_id = %s and s.name = k.n and s.labels = k.l""",
                            ([k[0] for k in keys], [json.dumps(k[1]) for k in keys],
                             app_id)).fetchall()
    return {i - 1: sid for i, sid in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--batches", type=int, default=25, help="per client and phase")
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--serve-args", default="", help="extra `jadugar serve` options")
    args = parser.parse_args()
    per_batch = max(1, args.batch // args.series)
    keys = series_keys(min(args.series, args.batch))

    base = bench_database("jadugar-bench-ingest-")
    tmp, url, plain_url, server = base.tmp, base.url, base.plain_url, base.server
    engine = db.make_engine(url)
    with engine.begin() as c:
        token = auth.create_token(c, "bench-ingest", "ingest")[1]
        if not c.execute(text("select 1 from applications where slug = :s"),
                         {"s": APP}).first():
            applications.create_application(c, {"slug": APP, "name": "Bench ingest"})
        app_id = c.execute(text("select id from applications where slug = :s"),
                           {"s": APP}).scalar_one()
        c.execute(text("""insert into metric_series (application_id, name, labels)
            select :a, n, cast(l as jsonb) from unnest(cast(:n as text[]), cast(:l as text[]))
              k(n, l) on conflict do nothing"""),
                  {"a": app_id, "n": [k[0] for k in keys],
                   "l": [json.dumps(k[1]) for k in keys]})
        before = c.execute(text("""select count(*) from metrics m join metric_series s
            on s.id = m.series_id where s.application_id = :a"""), {"a": app_id}).scalar_one()
    engine.dispose()
    sids = _ids_by_key(plain_url, app_id, keys)

    port = free_port()
    env = dict(os.environ, JADUGAR_DATABASE_URL=plain_url, JADUGAR_DATA_DIR=str(tmp / "app"),
               JADUGAR_LOG_LEVEL="ERROR", JADUGAR_SECRET_KEY="bench-ingest",
               JADUGAR_API_RATE_LIMIT="1000000 per minute")
    log = tmp / "serve.log"
    pg_pid = (int((tmp / "pg" / "postmaster.pid").read_text().split()[0]) if server is not None
              else None)
    proc = start_process(["serve", "--no-migrate", "--port", str(port),
                          *args.serve_args.split()], env, log)
    base = f"http://127.0.0.1:{port}"
    span = len(PHASES) * args.clients * args.batches * per_batch
    start = (datetime.now(UTC) - timedelta(seconds=span + 60)).replace(microsecond=0)
    results: dict[str, list[float]] = {}
    try:
        wait_http(base + "/readyz", proc, log, timeout_s=300)  # a busy machine starts slowly
        print(f"metric ingest: {args.clients} clients x {args.batches} batches of "
              f"{per_batch * len(keys)} points ({len(keys)} series x {per_batch} s), "
              f"cores {os.cpu_count()}, serve {args.serve_args or '(defaults)'}, "
              f"load before {os.getloadavg()[0]:.2f}")
        batch_no = 0
        for kind in PHASES:
            work = []
            for _client in range(args.clients):
                mine = []
                for _ in range(args.batches):
                    times = batch_times(start, batch_no, per_batch)
                    if kind == "copy":
                        mine.append([(sids[i], t, (batch_no * 7919 + i) % 1000 / 7)
                                     for t in times for i in range(len(keys))])
                    elif kind == "json":
                        mine.append(json_body(keys, times, batch_no))
                    else:
                        mine.append(prometheus_body(keys, times, batch_no))
                    batch_no += 1
                work.append(mine)
            cpu_before = cpu_split(proc.pid, pg_pid)
            if kind == "copy":
                seconds, errors = run_phase(kind, work, copy_batches, (plain_url,))
            else:
                seconds, errors = run_phase(kind, work, post_batches, (base, token))
            cpu = [b - a for a, b in zip(cpu_before, cpu_split(proc.pid, pg_pid), strict=True)]
            points = args.clients * args.batches * per_batch * len(keys)
            rate = points / seconds
            results.setdefault(kind, []).append(rate)
            per = 100_000 / points
            print(f"  {kind:10} {points:8} points in {seconds:6.2f} s = {rate:9.0f} points/s;"
                  f" CPU-s per 100k points: web {cpu[0] * per:5.2f}, clients "
                  f"{cpu[1] * per:5.2f}, postgres "
                  f"{cpu[2] * per if pg_pid else float('nan'):5.2f}"
                  f"{'  errors: ' + str(len(errors)) + ' ' + errors[0] if errors else ''}")
        copy_rate = sum(results["copy"]) / len(results["copy"])
        for kind in ("json", "prometheus"):
            print(f"  {kind:10} {results[kind][0] / copy_rate:.2f}x raw binary COPY "
                  f"({copy_rate:.0f} rows/s, mean of {len(results['copy'])})")
        engine = db.make_engine(url)
        with engine.connect() as c:
            stored = c.execute(text("""select count(*) from metrics m join metric_series s
                on s.id = m.series_id where s.application_id = :a"""),
                               {"a": app_id}).scalar_one() - before
        engine.dispose()
        expected = len(PHASES) * args.clients * args.batches * per_batch * len(keys)
        print(f"  stored {stored} of {expected} points"
              f"{'' if stored == expected else '  MISMATCH'}")
        summary = [Row(f"metric ingest via the API, {kind}, {args.clients} clients, batches of "
                       f"{per_batch * len(keys):,}",
                       f"{results[kind][0]:,.0f} points/s",
                       f"raw binary COPY, same rows and server: {copy_rate:,.0f} rows/s "
                       f"({results[kind][0] / copy_rate:.2f}x)", "≥ 0.5x and ≥ 150,000 points/s",
                       results[kind][0] / copy_rate >= 0.5 and results[kind][0] >= 150_000
                       and stored == expected)
                   for kind in ("json", "prometheus")]
        print(f"  load after {os.getloadavg()[0]:.2f}")
    finally:
        stop_process(proc)
        if server is not None:
            server.cleanup()
    emit(summary)


if __name__ == "__main__":
    main()
