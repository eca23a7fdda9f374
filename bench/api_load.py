"""API under load: N concurrent clients on mixed reads and writes for a bounded time.

Starts its own embedded PostgreSQL (in a temp dir) and a real `jadugar serve` (gunicorn,
one gthread worker) on loopback, then runs N aiohttp clients from this process, each going
round: POST a build (unique external id) → POST a metric point (unique time) → GET a list
or a detail. Stops by itself after --seconds or --max-requests, whichever comes first, and
prints errors and latency percentiles per kind of request.

With --outage-s S, PostgreSQL is stopped S seconds into the run (after a third of it) and
started again: the report then splits answers into before / during / after, and checks
that every write answered 2xx is in the database exactly once.

    python bench/api_load.py [--clients 200] [--seconds 60] [--outage-s 0] [--threads 64]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "faults"))

from load_clients import Answer, Clients  # noqa: E402
from sqlalchemy import text  # noqa: E402
from support_processes import free_port, start_process, stop_process, wait_http  # noqa: E402

from jadugar import auth, db, migrations  # noqa: E402
from jadugar.services import applications  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def report(title: str, answers: list[Answer], seconds: float) -> None:
    print(f"\n{title}: {len(answers)} requests in {seconds:.1f}s = "
          f"{len(answers) / max(seconds, 1e-9):.0f}/s")
    by_op = collections.defaultdict(list)
    for a in answers:
        by_op[a.op].append(a)
    for op, items in sorted(by_op.items()):
        ms = [a.took_s * 1000 for a in items]
        print(f"  {op:7} n={len(items):6}  p50 {pct(ms, .5):7.1f} ms  p95 {pct(ms, .95):7.1f} ms"
              f"  p99 {pct(ms, .99):7.1f} ms  max {max(ms):7.1f} ms")
    outcomes = collections.Counter((a.status, a.code) for a in answers)
    errors = {k: v for k, v in outcomes.items() if not 200 <= k[0] < 300}
    print(f"  errors: {sum(errors.values())} {dict(errors) if errors else ''}")


def accepted_once(engine, answers: list[Answer]) -> tuple[int, int, int]:
    """(accepted writes, missing, duplicated)"""
    builds = [a.key for a in answers if a.op == "build" and 200 <= a.status < 300]
    points = {a.key[:23] for a in answers if a.op == "metric" and 200 <= a.status < 300}
    with engine.connect() as c:
        counts = dict(c.execute(text("select external_id, count(*) from builds "
                                     "where external_id = any(:k) group by 1"),
                                {"k": builds}).all())
        stored = collections.Counter(c.execute(text(
            "select to_char(m.ts at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS') "
            "from metrics m join metric_series s on s.id = m.series_id "
            "where s.name = 'load_points'")).scalars())
    missing = sum(1 for k in builds if k not in counts) + len(points - set(stored))
    dup = sum(1 for v in counts.values() if v > 1) + sum(1 for v in stored.values() if v > 1)
    return len(builds) + len(points), missing, dup


def outage(server, stop_at: float, seconds: float, marks: dict) -> None:
    time.sleep(max(0, stop_at - time.monotonic()))
    marks["down"] = time.monotonic()
    server.cleanup()  # this process holds the only handle: PostgreSQL stops
    time.sleep(seconds)
    marks["up"] = time.monotonic()
    import pgserver

    marks["server"] = pgserver.get_server(marks["pgdata"], cleanup_mode="stop")
    marks["started"] = time.monotonic()


def setup(tmp: Path):
    import pgserver

    server = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
    url = db.sqlalchemy_url(server.get_uri())
    engine = db.make_engine(url, timeout_s=1)
    migrations.upgrade(engine)
    with engine.begin() as c:
        token = auth.create_token(c, "bench", "admin")[1]
        c.execute(text("insert into projects (slug, name) values ('load', 'Load')"))
        applications.create_application(c, {"slug": "load", "name": "Load"})
    return server, url, engine, token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=2_000_000)
    parser.add_argument("--threads", type=int, default=64, help="gunicorn threads")
    parser.add_argument("--outage-s", type=float, default=0,
                        help="stop PostgreSQL this long, a third into the run")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="jadugar-bench-"))
    os.chmod(tmp, 0o755)
    (tmp / "run").mkdir(mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(tmp / "run"))
    server, url, engine, token = setup(tmp)
    port = free_port()
    env = dict(os.environ, JADUGAR_DATABASE_URL=url.replace("+psycopg", ""),
               JADUGAR_DATA_DIR=str(tmp / "app"), JADUGAR_LOG_LEVEL="ERROR")
    log = tmp / "serve.log"
    proc = start_process(["serve", "--no-migrate", "--port", str(port), "--threads",
                          str(args.threads)], env, log)
    base = f"http://127.0.0.1:{port}"
    marks: dict = {"pgdata": tmp / "pg"}
    try:
        wait_http(base + "/readyz", proc, log)
        print(f"{args.clients} clients, {args.seconds:.0f}s (at most {args.max_requests} "
              f"requests), gunicorn gthread x{args.threads}, cores {os.cpu_count()}, "
              f"load before {os.getloadavg()[0]:.2f}")
        clients = Clients(base, token, "load", "load", clients=args.clients,
                          seconds=args.seconds, max_requests=args.max_requests)
        if args.outage_s:
            engine.dispose()
            threading.Thread(target=outage, args=(server, time.monotonic() + args.seconds / 3,
                                                  args.outage_s, marks), daemon=True).start()
        started = time.monotonic()
        answers = asyncio.run(clients.run())
        took = time.monotonic() - started
        print(f"load after {os.getloadavg()[0]:.2f}")
        if not args.outage_s:
            report("all", answers, took)
        else:
            down, up = marks["down"], marks["started"]
            report("before the outage", [a for a in answers if a.started < down], down - started)
            report(f"during the outage ({args.outage_s:.0f}s)",
                   [a for a in answers if down <= a.started < up], up - down)
            report("after", [a for a in answers if a.started >= up], started + took - up)
        writes, missing, dup = accepted_once(engine, answers)
        print(f"\naccepted writes: {writes}; missing from the database: {missing}; "
              f"stored twice: {dup}")
    finally:
        stop_process(proc)
        engine.dispose()
        marks.get("server", server).cleanup()


if __name__ == "__main__":
    main()
