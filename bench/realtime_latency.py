"""Commit → Socket.IO client latency with many connected clients.

Starts its own PostgreSQL (embedded, in a temp dir) and a real `jadugar serve`, connects
N python-socketio clients with a read token, then commits events (NOTIFY) and measures when
each client receives them.

    python bench/realtime_latency.py [--clients 500] [--rate 5] [--seconds 10] [--burst 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import socketio
from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support_processes import free_port, start_process, stop_process, wait_http  # noqa: E402

from bench.suite import Row, emit  # noqa: E402
from jadugar import auth, db, events, migrations  # noqa: E402


def raise_open_files() -> int:
    """Every socket is a file on both ends (client here, worker there), and the workers
    inherit this limit: take the hard limit, which a default soft limit of 1,024 is not."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def connect_all(base: str, token: str, n: int, inbox: list,
                      session: aiohttp.ClientSession) -> list:
    clients = []

    async def one(i: int):
        # One HTTP session for all clients: the client side must not be what is measured.
        c = socketio.AsyncClient(reconnection=False, http_session=session)

        @c.on("build")
        async def _on(data):  # noqa: ANN001
            inbox.append((time.time(), data["sent"], data["id"]))
        await c.connect(base, headers={"Authorization": f"Bearer {token}"},
                        transports=["websocket"], wait_timeout=30)
        clients.append(c)

    for start in range(0, n, 50):  # connect in waves so the accept queue keeps up
        await asyncio.gather(*(one(i) for i in range(start, min(n, start + 50))))
    return clients


def commit_event(engine, event_id: int) -> None:
    with engine.begin() as c:
        events.publish(c, "build", {"id": event_id, "project": "bench", "status": "running",
                                      "progress": event_id % 100, "sent": time.time()})


async def run(args: argparse.Namespace) -> None:
    print(f"open files allowed: {raise_open_files()}")
    tmp = Path(tempfile.mkdtemp(prefix="jadugar-bench-"))
    os.chmod(tmp, 0o755)
    url = os.environ.get("JADUGAR_DATABASE_URL") or db.embedded_url(tmp / "data")
    engine = create_engine(db.sqlalchemy_url(url))
    migrations.upgrade(engine)
    with engine.begin() as c:
        token = auth.create_token(c, "bench", "read")[1]
    port = free_port()
    env = dict(os.environ, JADUGAR_DATABASE_URL=url.replace("+psycopg", ""),
               JADUGAR_DATA_DIR=str(tmp / "app"), JADUGAR_LOG_LEVEL="WARNING",
               JADUGAR_SOCKETS_PER_CLIENT=str(args.clients + 10))  # one token for them all
    log = tmp / "serve.log"
    proc = start_process(["serve", "--no-migrate", "--port", str(port), "--worker", args.worker,
                          "--workers", "1",
                          "--threads", str(args.clients + 100)], env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/healthz", proc, log, timeout_s=180)
        inbox: list = []
        t0 = time.monotonic()
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        clients = await connect_all(base, token, args.clients, inbox, session)
        print(f"connected {len(clients)} clients in {time.monotonic() - t0:.1f}s")

        # 1. Steady rate: latency from commit to receipt.
        n_events = int(args.rate * args.seconds)
        start = time.monotonic()
        for i in range(n_events):
            await asyncio.to_thread(commit_event, engine, i)
            await asyncio.sleep(max(0, start + (i + 1) / args.rate - time.monotonic()))
        await asyncio.sleep(2)
        lat = [(recv - sent) * 1000 for recv, sent, _ in inbox]
        expected = n_events * len(clients)
        steady = (pct(lat, 0.95) if lat else None, len(lat), expected)
        print(f"steady: {n_events} events x {len(clients)} clients, received "
              f"{len(lat)}/{expected}; latency p50 {statistics.median(lat):.1f} ms, "
              f"p95 {pct(lat, 0.95):.1f} ms, p99 {pct(lat, 0.99):.1f} ms; "
              f"offered {args.rate * len(clients):.0f} deliveries/s")

        # 2. Burst: how many deliveries per second the server sustains.
        inbox.clear()
        start = time.time()
        for i in range(args.burst):
            await asyncio.to_thread(commit_event, engine, 100000 + i)
        expected = args.burst * len(clients)
        deadline = time.monotonic() + 60
        while len(inbox) < expected and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        took = max(r for r, _, _ in inbox) - start
        lat = [(recv - sent) * 1000 for recv, sent, _ in inbox]
        print(f"burst: {args.burst} events x {len(clients)} clients, received "
              f"{len(inbox)}/{expected} in {took:.2f}s = {len(inbox) / took:.0f} deliveries/s;"
              f" latency p50 {statistics.median(lat):.0f} ms, p95 {pct(lat, 0.95):.0f} ms")
        await asyncio.gather(*(c.disconnect() for c in clients))
        await session.close()
        p95, got, want = steady
        rate = len(inbox) / took
        emit([Row(f"live push, {len(clients)} clients ({args.worker})",
                  f"p95 {p95:.0f} ms at {args.rate:g} events/s ({got}/{want} delivered); "
                  f"burst {rate:,.0f} deliveries/s ({len(inbox)}/{expected})",
                  "–", "p95 < 100 ms, ≥ 2,000 deliveries/s",
                  p95 is not None and p95 < 100 and rate >= 2000 and got == want
                  and len(inbox) == expected)])
    finally:
        stop_process(proc)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--worker", choices=("gevent", "gthread"), default="gevent")
    parser.add_argument("--rate", type=float, default=5, help="events per second")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--burst", type=int, default=100)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
