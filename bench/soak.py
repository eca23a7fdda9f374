"""Soak: many checks for a long while; is memory flat?

Starts its own embedded PostgreSQL, local HTTP targets (aiohttp, in this process), a real
`jadugar collect` and a real `jadugar serve`, then creates --checks HTTP checks (10 per
application) at --interval seconds. While they run, a few Socket.IO clients listen on
application rooms (every result is an event the web process fans out) and an API client
reads lists every second. Every --sample-s seconds it prints the resident memory of the
collector and of the web process (gunicorn master + worker), and at the end the growth
over the second half of the run, which is the number to watch: start-up and the first
fills of caches and pools happen in the first half.

    python bench/soak.py [--checks 1000] [--minutes 10] [--interval 10] [--sample-s 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
import socketio
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import text  # noqa: E402
from support_processes import free_port, start_process, stop_process, wait_http  # noqa: E402

from jadugar import auth, db, migrations  # noqa: E402
from jadugar.services import applications, checks  # noqa: E402

PER_APP = 10


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def serve_targets() -> str:
    """An HTTP target on a background loop; every check hits /ok/<n>."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def start() -> str:
        async def ok(request: web.Request) -> web.Response:
            return web.Response(text="OK")

        app = web.Application()
        app.router.add_get("/ok/{n}", ok)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    return asyncio.run_coroutine_threadsafe(start(), loop).result(10)


def setup(tmp: Path, args: argparse.Namespace, target: str):
    url = db.embedded_url(tmp / "data")
    engine = db.make_engine(url)
    migrations.upgrade(engine)
    with engine.begin() as c:
        token = auth.create_token(c, "soak", "read")[1]
        for a in range(-(-args.checks // PER_APP)):
            applications.create_application(c, {"slug": f"soak-{a}", "name": f"Soak {a}"})
            for n in range(a * PER_APP, min(args.checks, (a + 1) * PER_APP)):
                checks.create_check(c, f"soak-{a}", {
                    "name": f"c{n}", "type": "http", "target": f"{target}/ok/{n}",
                    "interval_s": args.interval, "timeout_s": min(5, args.interval)})
    return url, engine, token


async def clients(base: str, token: str, n: int, stop: asyncio.Event) -> dict:
    """n Socket.IO listeners on application rooms, and one API reader; counts what came."""
    seen = {"events": 0, "reads": 0, "read_errors": 0}
    sios = []
    for i in range(n):
        sio = socketio.AsyncClient(reconnection=True)

        @sio.on("check_result")
        async def _on(data):  # noqa: ANN001
            seen["events"] += 1
        await sio.connect(base, auth={"token": token, "pathname": f"/monitoring/soak-{i}"},
                          transports=["websocket"], wait_timeout=30)
        sios.append(sio)
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        while not stop.is_set():
            for path in ("/api/v1/applications", "/api/v1/applications/soak-0/checks"):
                async with http.get(base + path) as r:
                    seen["reads" if r.status == 200 else "read_errors"] += 1
            await asyncio.sleep(1)
    await asyncio.gather(*(s.disconnect() for s in sios))
    return seen


def sample(collector, web_proc, engine, started: float) -> tuple[float, float, float, int]:
    web_mb = rss_mb(web_proc.pid) + sum(rss_mb(p) for p in children(web_proc.pid))
    with engine.connect() as c:
        rows = c.execute(text("select count(*) from history")).scalar_one()
    return time.monotonic() - started, rss_mb(collector.pid), web_mb, rows


async def soak(args, base, token, collector, web_proc, engine) -> list[tuple]:
    stop = asyncio.Event()
    listening = asyncio.create_task(clients(base, token, args.socket_clients, stop))
    started, samples = time.monotonic(), []
    print(f"{'t (s)':>6} {'collector MB':>13} {'web MB':>8} {'history rows':>13}")
    while True:
        samples.append(await asyncio.to_thread(sample, collector, web_proc, engine, started))
        t, c_mb, w_mb, rows = samples[-1]
        print(f"{t:6.0f} {c_mb:13.1f} {w_mb:8.1f} {rows:13}", flush=True)
        if t >= args.minutes * 60:
            break
        await asyncio.sleep(min(args.sample_s, args.minutes * 60 - t))
    stop.set()
    seen = await listening
    print(f"socket events received: {seen['events']}, API reads: {seen['reads']} "
          f"({seen['read_errors']} errors)")
    return samples


def summary(samples: list[tuple], args: argparse.Namespace) -> None:
    half = samples[len(samples) // 2]
    last = samples[-1]
    minutes = max((last[0] - half[0]) / 60, 1e-9)
    rate = (last[3] - samples[0][3]) / max(last[0] - samples[0][0], 1e-9)
    print(f"\nchecks {args.checks} every {args.interval}s: {rate:.0f} results/s stored")
    for name, i in (("collector", 1), ("web", 2)):
        print(f"{name}: {samples[0][i]:.1f} MB at start, {half[i]:.1f} MB at half time, "
              f"{last[i]:.1f} MB at the end: {(last[i] - half[i]) / minutes:+.2f} MB/min "
              f"over the second half")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=int, default=10, help="check interval, s (>= 5)")
    parser.add_argument("--sample-s", type=float, default=30)
    parser.add_argument("--socket-clients", type=int, default=10)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="jadugar-soak-"))
    os.chmod(tmp, 0o755)
    target = serve_targets()
    url, engine, token = setup(tmp, args, target)
    env = dict(os.environ, JADUGAR_DATABASE_URL=url.replace("+psycopg", ""),
               JADUGAR_DATA_DIR=str(tmp / "app"), JADUGAR_LOG_LEVEL="WARNING")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web_proc = start_process(["serve", "--no-migrate", "--port", str(port)], env,
                             tmp / "serve.log")
    collector = start_process(["collect"], env, tmp / "collect.log")
    try:
        wait_http(base + "/healthz", web_proc, tmp / "serve.log")
        print(f"{args.checks} checks every {args.interval}s for {args.minutes} min; "
              f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.2f}; logs in {tmp}")
        samples = asyncio.run(soak(args, base, token, collector, web_proc, engine))
        summary(samples, args)
        print(f"load at the end {os.getloadavg()[0]:.2f}")
    finally:
        stop_process(collector)
        stop_process(web_proc)
        engine.dispose()


if __name__ == "__main__":
    main()
