"""What idle live-update sockets cost: /healthz latency and worker memory with N clients open.

Starts its own PostgreSQL (embedded, in a temp dir) and a real `jadugar serve` with the
chosen gunicorn worker, measures /healthz with no socket open, then connects N
python-socketio clients (websocket transport, read token in the handshake header) that stay
idle, and measures /healthz again while they are open. Each /healthz is a new connection,
as a load balancer's probe would be.

    python bench/sockets_idle.py --worker gevent --clients 2000
    python bench/sockets_idle.py --worker gthread --threads 64 --clients 300   # the old model
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import resource
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
from jadugar import auth, db, migrations  # noqa: E402


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


def healthz_once(port: int, timeout_s: float) -> float | None:
    """Milliseconds for one GET /healthz on a new connection, or None on timeout/error."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    try:
        conn.request("GET", "/healthz")
        ok = conn.getresponse().status == 200
    except OSError:
        return None
    finally:
        conn.close()
    return (time.perf_counter() - start) * 1000 if ok else None


LAST: dict = {}  # the latest /healthz sample, as numbers, for the summary row


async def sample_healthz(port: int, seconds: float, rate: float, timeout_s: float) -> str:
    took: list[float] = []
    failed = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ms = await asyncio.to_thread(healthz_once, port, timeout_s)
        if ms is None:
            failed += 1
        else:
            took.append(ms)
        await asyncio.sleep(1 / rate)
    LAST.update(answered=len(took), failed=failed,
                p99=pct(took, 0.99) if took else None)
    if not took:
        return f"0 answered, {failed} timed out (>{timeout_s:.0f} s)"
    return (f"{len(took)} answered, {failed} timed out; p50 {pct(took, 0.5):.1f} ms, "
            f"p99 {pct(took, 0.99):.1f} ms, max {max(took):.1f} ms")


async def connect_all(base: str, token: str, n: int, timeout_s: float,
                      session: aiohttp.ClientSession) -> tuple[list, int]:
    clients: list = []
    failed = 0

    async def one() -> None:
        nonlocal failed
        # One HTTP session for all: 2,000 sessions of their own cost the client more CPU
        # than the server spends on the sockets.
        c = socketio.AsyncClient(reconnection=False, http_session=session)
        try:
            await asyncio.wait_for(c.connect(
                base, headers={"Authorization": f"Bearer {token}"}, transports=["websocket"],
                wait_timeout=timeout_s), timeout_s + 1)
            clients.append(c)
        except (TimeoutError, socketio.exceptions.ConnectionError):
            failed += 1

    for start in range(0, n, 50):  # in waves, so the accept queue keeps up
        await asyncio.gather(*(one() for _ in range(start, min(n, start + 50))))
    return clients, failed


def rss_mb(pid: int) -> float:
    """Resident memory of the gunicorn worker (the child of `pid`)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for line in Path(f"/proc/{children[0]}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


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
                          "--threads", str(args.threads),
                          "--connections", str(args.clients + 500)], env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/healthz", proc, log, timeout_s=180)
        print(f"worker {args.worker}" + (f", {args.threads} threads" if args.worker == "gthread"
                                         else "") + f"; {args.clients} clients")
        print(f"  no socket open: /healthz "
              f"{await sample_healthz(port, args.seconds, args.rate, args.timeout)}; "
              f"worker RSS {rss_mb(proc.pid):.0f} MB")
        t0 = time.monotonic()
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        clients, failed = await connect_all(base, token, args.clients, args.connect_timeout,
                                            session)
        print(f"  connected {len(clients)}/{args.clients} in {time.monotonic() - t0:.1f} s "
              f"({failed} did not connect); worker RSS {rss_mb(proc.pid):.0f} MB")
        print(f"  {len(clients)} idle sockets open: /healthz "
              f"{await sample_healthz(port, args.seconds, args.rate, args.timeout)}")
        p99 = LAST.get("p99")
        emit([Row(f"open authenticated sockets on one web process ({args.worker})",
                  f"{len(clients):,} of {args.clients:,} open; /healthz p99 "
                  + (f"{p99:.0f} ms" if p99 is not None else "none answered"),
                  "–", "2,000 with /healthz p99 < 100 ms",
                  len(clients) >= 2000 and p99 is not None and p99 < 100
                  and not LAST.get("failed"))])
        await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
        await session.close()
    finally:
        stop_process(proc)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--worker", choices=("gevent", "gthread"), default="gevent")
    parser.add_argument("--threads", type=int, default=64, help="gthread only")
    parser.add_argument("--seconds", type=float, default=10, help="per /healthz sample")
    parser.add_argument("--rate", type=float, default=20, help="/healthz requests per second")
    parser.add_argument("--timeout", type=float, default=5, help="per /healthz request")
    parser.add_argument("--connect-timeout", type=float, default=30, help="per socket connect")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
