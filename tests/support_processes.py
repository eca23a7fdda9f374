"""Starting and stopping real Jadugar processes for tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_env(database_url: str, tmp_root: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, JADUGAR_DATABASE_URL=database_url,
               JADUGAR_DATA_DIR=str(tmp_root / "app"), JADUGAR_SECRET_KEY="test-secret",
               JADUGAR_LOG_LEVEL="INFO",
               JADUGAR_API_RATE_LIMIT="100000 per minute",
               # Tests empty the database between tests, which no event announces; a cached
               # overview would outlive it. Tests of the cache turn it on.
               JADUGAR_AGGREGATE_CACHE_S="0")
    env.update(extra)
    return env


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout_s}s:\n{log.read_text()[-3000:]}")


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    if args[:1] == ["serve"] and "--workers" not in args:
        # One worker unless a test asks for more: `serve` defaults to one per core, and a
        # test about one process must not get two (nor pay for starting them).
        args = [*args, "--workers", "1"]
    # Output goes to a file: an unread pipe fills up and blocks the server.
    out = open(log, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "jadugar.cli", *args], env=env,
                            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def serving(env: dict[str, str], log_dir: Path, workers: int = 1) -> Iterator[str]:
    """`jadugar serve` on a free loopback port for the block; yields its base URL. One
    worker unless asked: per-process limits (socket caps, rate limits) are then exact."""
    port = free_port()
    log = log_dir / f"serve-{port}.log"
    proc = start_process(["serve", "--no-migrate", "--port", str(port),
                          "--workers", str(workers)], env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        # Generous: a worker imports Dash, pandas and plotly, which takes a minute of wall
        # time on a 2-core machine shared with other test runs.
        wait_http(base + "/healthz", proc, log, timeout_s=150)
        yield base
    finally:
        stop_process(proc)


def session_cookie(base: str, username: str, password: str) -> str:
    """Sign in through the login form like a browser (every hidden field of the form is
    sent back, so the CSRF token is too) and return the Cookie header it earned."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=10) as r:
        page = r.read().decode()
    fields = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
                             page))
    fields.update(username=username, password=password)
    opener.open(base + "/login", data=urllib.parse.urlencode(fields).encode(), timeout=10)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def connections_by_pid(port: int) -> dict[int, int]:
    """How many established TCP connections to local `port` each process holds (Linux
    /proc): which worker of a `jadugar serve --workers N` serves which clients."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):  # IPv6 disabled
            continue
        with open(table) as f:
            for line in list(f)[1:]:
                cols = line.split()
                if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "01":
                    inodes.add(cols[9])
    counts: dict[int, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # gone, or not ours to read
            continue
        held = sum(1 for link in map(_link, (f"/proc/{pid}/fd/{fd}" for fd in fds))
                   if link.startswith("socket:[") and link[8:-1] in inodes)
        if held:
            counts[int(pid)] = held
    return counts


def _link(path: str) -> str:
    # A busy process opens and closes descriptors while we read them: a descriptor gone
    # between the listing and the read is skipped, not the whole process (a CI run once
    # saw no worker at all holding 60 open sockets).
    try:
        return os.readlink(path)
    except OSError:
        return ""
