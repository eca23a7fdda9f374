"""Collector throughput: N HTTP checks at an interval (5,000 at 5 s by default) against one
nginx on loopback.

Runs, in this order (about 2.5 minutes, loopback only):
1. a bare aiohttp client loop at the collector's concurrency (the ceiling for this machine),
2. `jadugar collect` with keep-alive: sustained checks/s and scheduling lag p50/p99,
3. `jadugar collect` with a new connection per check, while prometheus-blackbox-exporter
   probes the same targets: checks per CPU-second of each process.

Usage: python -m bench.collector_throughput [--checks 5000] [--interval 5] [--seconds 40]
Prints a Markdown table, and its summary rows for `python -m bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.suite import Row, emit  # noqa: E402
from jadugar import db, migrations  # noqa: E402

NGINX = "/usr/sbin/nginx"
EXPORTER = "/usr/bin/prometheus-blackbox-exporter"
PORTS = 20
CONCURRENCY = 500
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    stat = Path(f"/proc/{pid}/task/{tid}/stat" if tid else f"/proc/{pid}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def start_nginx(tmp: Path, ports: list[int]) -> subprocess.Popen:
    servers = "\n".join(f"server {{ listen 127.0.0.1:{p} backlog=4096; "
                        "location / { return 200 'ok\\n'; } }" for p in ports)
    conf = tmp / "nginx.conf"
    conf.write_text(f"""
worker_processes 1; daemon off; pid {tmp}/nginx.pid; error_log {tmp}/nginx.err warn;
events {{ worker_connections 8192; }}
http {{ access_log off; keepalive_requests 1000000; keepalive_timeout 60s; {servers} }}
""")
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp)])
    wait_port(ports[0])
    return proc


def wait_port(port: int, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def urls(ports: list[int], n: int) -> list[str]:
    return [f"http://127.0.0.1:{ports[i % len(ports)]}/t/{i}" for i in range(n)]


def setup_database(tmp: Path, targets: list[str], interval: int) -> tuple[str, object]:
    import pgserver

    server = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
    url = db.sqlalchemy_url(server.get_uri())
    engine = create_engine(url)
    migrations.upgrade(engine)
    with engine.begin() as c:
        c.execute(text("""insert into applications (slug, name)
                          select 'app-' || g, 'App ' || g from generate_series(0, 49) g"""))
        c.execute(text("""
            insert into health_checks (application_id, name, type, target, interval_s,
                                       timeout_s, next_run_at, enabled)
            select (select id from applications where slug = 'app-' || (g % 50)),
                   'check-' || g, 'http', t, :i, 4,
                   now() + interval '3 s' + random() * make_interval(secs => :i), false
              from unnest(cast(:t as text[])) with ordinality as u(t, g)"""),
                  {"t": targets, "i": interval})
        c.execute(text("""insert into alert_rules (check_id, kind, threshold,
                                                   recover_threshold, is_default, name)
                          select id, 'consecutive_failures', 3, 2, true, 'default'
                            from health_checks"""))
    return url, (server, engine)


def enable_checks(engine) -> None:
    # Spread over each check's interval: the steady state of a collector that has run long.
    # The previous phase's results go first, in their own transaction: truncating in the
    # same one as the update deadlocked with the running collector's writes (100,000 checks).
    with engine.begin() as c:
        c.execute(text("truncate history"))
    with engine.begin() as c:
        c.execute(text("""update health_checks set enabled = true,
                          next_run_at = now() + random() * make_interval(secs => interval_s)"""))


def disable_checks(engine) -> None:
    with engine.begin() as c:
        c.execute(text("update health_checks set enabled = false"))


async def bare_loop(targets: list[str], seconds: float, keepalive: bool) -> dict:
    """As many GETs as the client manages at CONCURRENCY in flight."""
    done = 0
    stop_at = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=0, force_close=not keepalive)
    cpu0 = time.process_time()
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker(offset: int) -> None:
            nonlocal done
            i = offset
            while time.monotonic() < stop_at:
                async with session.get(targets[i % len(targets)]) as r:
                    await r.read()
                done += 1
                i += CONCURRENCY
        started = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(CONCURRENCY)))
        took = time.monotonic() - started
    cpu = time.process_time() - cpu0
    return {"per_s": done / took, "per_cpu_s": done / cpu}


def run_collector(url: str, tmp: Path, keepalive: bool) -> subprocess.Popen:
    env = dict(os.environ, JADUGAR_DATABASE_URL=url, JADUGAR_DATA_DIR=str(tmp / "data"),
               JADUGAR_COLLECTOR_CONCURRENCY=str(CONCURRENCY), JADUGAR_LOG_LEVEL="WARNING",
               JADUGAR_COLLECTOR_NAME=f"bench-{'keepalive' if keepalive else 'close'}",
               JADUGAR_COLLECTOR_KEEPALIVE="1" if keepalive else "0")
    log = open(tmp / "collector.log", "ab")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen([sys.executable, "-m", "jadugar.cli", "collect"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def wait_reporting(engine, name: str, timeout_s: float = 60) -> None:
    """Until the collector has reported once: started, connected, about to claim."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with engine.connect() as c:
            if c.execute(text("select 1 from collectors where name = :n"),
                         {"n": name}).first():
                return
        time.sleep(0.2)
    raise RuntimeError(f"collector {name} never reported")


def measure_collector(engine, proc: subprocess.Popen, warmup_s: float,
                      seconds: float) -> dict:
    """Checks stored per second and collector CPU over a window after the warm-up, and
    the share of that CPU spent outside the event loop (claims, batch writes, alerting
    and periodic jobs all run in other threads)."""
    time.sleep(warmup_s)
    with engine.connect() as c:
        t0 = c.execute(text("select now()")).scalar_one()
    cpu0, loop0 = cpu_seconds(proc.pid), cpu_seconds(proc.pid, proc.pid)
    time.sleep(seconds)
    cpu1, loop1 = cpu_seconds(proc.pid), cpu_seconds(proc.pid, proc.pid)
    with engine.connect() as c:
        t1 = c.execute(text("select now()")).scalar_one()
        time.sleep(1.5)  # let the writer flush what started inside the window
        n, down = c.execute(text("""select count(*), count(*) filter (where status <> 'up')
            from history where ts >= :a and ts < :b"""), {"a": t0, "b": t1}).one()
    span = (t1 - t0).total_seconds()
    return {"per_s": n / span, "per_cpu_s": n / max(cpu1 - cpu0, 1e-9), "down": down,
            "cpu_share": (cpu1 - cpu0) / span,
            "db_share": 1 - (loop1 - loop0) / max(cpu1 - cpu0, 1e-9)}


def lag(engine, name: str) -> tuple[float, float]:
    with engine.connect() as c:
        row = c.execute(text("select lag_p50_ms, lag_p99_ms from collectors where name = :n"),
                        {"n": name}).one()
    return row.lag_p50_ms, row.lag_p99_ms


async def drive_exporter(port: int, targets: list[str], seconds: float,
                         concurrency: int = 100) -> int:
    """Ask the exporter to probe the same targets, as fast as it answers."""
    done = 0
    stop_at = time.monotonic() + seconds
    probe = f"http://127.0.0.1:{port}/probe"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def worker(offset: int) -> None:
            nonlocal done
            i = offset
            while time.monotonic() < stop_at:
                params = {"module": "http_2xx", "target": targets[i % len(targets)]}
                async with session.get(probe, params=params) as r:
                    body = await r.text()
                if "probe_success 1" in body:
                    done += 1
                i += concurrency
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
    return done


def exporter_run(tmp: Path, targets: list[str], seconds: float) -> dict:
    port = free_port()
    conf = tmp / "blackbox.yml"
    conf.write_text("modules:\n  http_2xx:\n    prober: http\n    timeout: 4s\n"
                    "    http:\n      preferred_ip_protocol: ip4\n")
    proc = subprocess.Popen([EXPORTER, f"--config.file={conf}",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        cpu0 = cpu_seconds(proc.pid)
        done = asyncio.run(drive_exporter(port, targets, seconds))
        cpu = cpu_seconds(proc.pid) - cpu0
    finally:
        proc.terminate()
        proc.wait(10)
    return {"per_s": done / seconds, "per_cpu_s": done / max(cpu, 1e-9)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--interval", type=int, default=5, help="seconds between runs")
    parser.add_argument("--seconds", type=float, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jadugar-bench-"))
    tmp.chmod(0o755)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(tmp))
    ports = [free_port() for _ in range(PORTS)]
    nginx = start_nginx(tmp, ports)
    targets = urls(ports, args.checks)
    url, (server, engine) = setup_database(tmp, targets, args.interval)
    out = {}
    try:
        out["bare_keepalive"] = asyncio.run(bare_loop(targets, 10, keepalive=True))
        out["bare_close"] = asyncio.run(bare_loop(targets, 10, keepalive=False))
        for keepalive in (True, False):
            proc = run_collector(url, tmp, keepalive)
            try:
                # Checks fall due only once the collector runs: its start-up time (imports,
                # connecting) is not scheduling lag, and would sit in the 60 s lag window.
                wait_reporting(engine, f"bench-{'keepalive' if keepalive else 'close'}")
                enable_checks(engine)
                if keepalive:
                    out["collector_keepalive"] = measure_collector(engine, proc, 12,
                                                                   args.seconds)
                    time.sleep(11)  # one more status report covering the window
                    out["lag"] = lag(engine, "bench-keepalive")
                else:
                    time.sleep(12)
                    cpu0, n0 = cpu_seconds(proc.pid), _count(engine)
                    out["exporter"] = exporter_run(tmp, targets, 20)
                    time.sleep(1.5)
                    cpu1, n1 = cpu_seconds(proc.pid), _count(engine)
                    out["collector_close"] = {"per_s": (n1 - n0) / 21.5,
                                              "per_cpu_s": (n1 - n0) / (cpu1 - cpu0)}
            finally:
                proc.terminate()
                proc.wait(30)
                disable_checks(engine)
    finally:
        nginx.terminate()
        engine.dispose()
        server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    report(args, out)


def _count(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("select count(*) from history")).scalar_one()


def report(args: argparse.Namespace, out: dict) -> None:
    k, c, e = out["collector_keepalive"], out["collector_close"], out["exporter"]
    p50, p99 = out["lag"]
    due = args.checks / args.interval
    print(f"\n{args.checks} HTTP checks at {args.interval} s ({due:.0f}/s due) behind one nginx "
          f"({PORTS} ports), concurrency {CONCURRENCY}, {args.seconds:g} s window\n")
    print("| measurement | result |\n|---|---|")
    print(f"| collector, keep-alive: sustained checks/s | {k['per_s']:.0f} "
          f"({k['down']} not up) |")
    print(f"| collector, keep-alive: scheduling lag p50 / p99 | {p50:.1f} ms / {p99:.1f} ms |")
    print(f"| collector, keep-alive: CPU used | {k['cpu_share']:.2f} cores "
          f"({k['per_cpu_s']:.0f} checks per CPU-second; {k['db_share']:.0%} of it outside "
          f"the event loop: claims, batch writes, alerting, jobs) |")
    print(f"| bare aiohttp loop, keep-alive, as fast as it goes | "
          f"{out['bare_keepalive']['per_s']:.0f} req/s "
          f"({out['bare_keepalive']['per_cpu_s']:.0f} per CPU-second) |")
    print(f"| bare aiohttp loop, new connection each | {out['bare_close']['per_s']:.0f} req/s "
          f"({out['bare_close']['per_cpu_s']:.0f} per CPU-second) |")
    print(f"| collector, new connection per check: checks per CPU-second | "
          f"{c['per_cpu_s']:.0f} ({c['per_s']:.0f} checks/s) |")
    print(f"| blackbox_exporter, same targets, same run: probes per CPU-second | "
          f"{e['per_cpu_s']:.0f} ({e['per_s']:.0f} probes/s) |")
    ratio = c["per_cpu_s"] / e["per_cpu_s"]
    print(f"| ratio collector / exporter per CPU-second | {ratio:.2f}x |")
    emit([
        Row("collector, HTTP checks on loopback nginx, new connection each",
            f"{c['per_cpu_s']:.0f} probes per CPU-second",
            f"prometheus-blackbox-exporter: {e['per_cpu_s']:.0f} ({ratio:.2f}x)",
            "≥ 1.5x probes per CPU-second", ratio >= 1.5),
        Row(f"collector, {args.checks:,} checks at {args.interval} s ({due:,.0f}/s due)",
            f"{k['per_s']:,.0f} checks/s, lag p99 {p99:.0f} ms (p50 {p50:.0f} ms)",
            f"{due:,.0f} checks/s due", "all due checks run, p99 lag < 1 s",
            k["per_s"] >= 0.97 * due and p99 < 1000),
    ])


if __name__ == "__main__":
    main()
