"""Starting and stopping real Jadugar processes for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
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
               JADUGAR_API_RATE_LIMIT="100000 per minute")
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


