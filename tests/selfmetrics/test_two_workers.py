"""Under gunicorn with two workers, /metrics adds up both workers' numbers, whichever worker
answers the scrape; a killed worker's gauges leave the page, its counts stay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from scrape_support import label_values, value
from support_processes import ROOT, free_port, process_env, stop_process, wait_http

from jadugar.prometheus_text import Sample, parse

TOKEN = "two-workers-secret"
POOL = "jadugar_db_pool_size_connections"
HEALTHZ = {"route": "/healthz", "method": "GET", "status": "200"}


@pytest.fixture(scope="module")
def two_workers(database_url, tmp_path_factory):
    port = free_port()
    tmp_path = tmp_path_factory.mktemp("two-workers")
    log = tmp_path / "two-workers.log"
    env = process_env(database_url, tmp_path, JADUGAR_METRICS_TOKEN=TOKEN,
                      PYTHONPATH=str(ROOT))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("two_workers.py")),
                                 str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/healthz", proc, log)
        yield base, log
    finally:
        stop_process(proc)


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status


def _scrape(base: str) -> list[Sample]:
    req = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return parse(r.read().decode())


def _healthz_until_both_workers_served(base: str) -> int:
    """Send /healthz in concurrent batches until both workers show in the per-process pool
    gauge; return how many were sent (the wait for the first one included)."""
    sent = value(_scrape(base), "jadugar_http_request_duration_seconds_count", **HEALTHZ)
    with ThreadPoolExecutor(8) as pool:
        for _ in range(40):
            assert set(pool.map(_get, [base + "/healthz"] * 50)) == {200}
            sent += 50
            if len(label_values(_scrape(base), POOL, "pid")) == 2:
                return int(sent)
    raise AssertionError("one worker answered every request")


@pytest.mark.slow
def test_it_adds_up_both_workers_counts(two_workers):
    base, log = two_workers
    sent = _healthz_until_both_workers_served(base)
    for _ in range(4):  # whichever worker answers the scrape, the sum is the same
        samples = _scrape(base)
        assert value(samples, "jadugar_http_request_duration_seconds_count", **HEALTHZ) == sent
        assert len(label_values(samples, POOL, "pid")) == 2


@pytest.mark.slow
def test_it_drops_a_killed_workers_gauges_and_keeps_its_counts(two_workers):
    base, log = two_workers
    sent = _healthz_until_both_workers_served(base)
    victim = sorted(label_values(_scrape(base), POOL, "pid"))[0]
    os.kill(int(victim), signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            samples = _scrape(base)
        except OSError:  # the killed worker held this connection
            continue
        if victim not in label_values(samples, POOL, "pid"):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the killed worker's gauge stayed:\n{log.read_text()[-2000:]}")
    assert value(samples, "jadugar_http_request_duration_seconds_count", **HEALTHZ) == sent
