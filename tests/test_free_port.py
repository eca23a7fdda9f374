"""Ports for test servers: never from the kernel's ephemeral range (bind(0) hands those out,
also to another test process while a test's server restarts on its port), and apart per
xdist worker."""

import os
import subprocess
import sys
from pathlib import Path

from support_processes import free_port

HERE = Path(__file__).resolve().parent
PICK = "import support_processes as s; print(*[s.free_port() for _ in range(50)])"


def _ports(worker: str) -> set[int]:
    env = dict(os.environ, PYTEST_XDIST_WORKER=worker, PYTHONPATH=str(HERE))
    out = subprocess.run([sys.executable, "-c", PICK], env=env, capture_output=True,
                         text=True, check=True).stdout
    return {int(p) for p in out.split()}


def test_ports_come_from_below_the_ephemeral_range_and_are_not_repeated():
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == 50
    assert max(ports) < low


def test_two_workers_never_pick_the_same_port():
    assert not _ports("gw0") & _ports("gw1")
