"""icmp pings a real address (127.0.0.1) on unprivileged ICMP sockets where the kernel allows
them, says clearly what to change where it does not, and judges loss and round trip against
degraded/down thresholds."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import icmplib
import pytest
from checktype_probes import METADATA, check

from jadugar.checks import registry
from jadugar.checks.icmp import REFUSED, judge
from jadugar.errors import Invalid


def _unprivileged_allowed() -> bool:
    try:
        with open("/proc/sys/net/ipv4/ping_group_range") as f:
            low, high = map(int, f.read().split())
    except OSError:
        return False
    return any(low <= gid <= high for gid in {os.getgid(), *os.getgroups()})


UNPRIVILEGED = _unprivileged_allowed()
needs_unprivileged = pytest.mark.skipif(
    not UNPRIVILEGED, reason="this kernel refuses unprivileged ICMP to our groups "
                             "(net.ipv4.ping_group_range)")


@needs_unprivileged
def test_it_pings_loopback_without_privileges():
    result = check("icmp", "127.0.0.1", options={"count": 2, "gap_ms": 50})
    assert (result.status, result.error) == ("up", None)
    assert result.details["packet_loss"] == 0 and result.details["rtt_ms"] > 0
    assert result.details["ip"] == "127.0.0.1" and result.details["connected"] is True


# In a network namespace of its own the ping range can be opened without touching the host's:
# the same unprivileged echo, on a kernel whose own namespace refuses it.
IN_NAMESPACE = """
ip link set lo up && echo '0 2147483647' > /proc/sys/net/ipv4/ping_group_range &&
exec "$0" -c 'import asyncio, json
from collectors.probes import CheckSpec, make_context, run_probe
async def main():
    async with await make_context() as ctx:
        r = await run_probe(CheckSpec(1, "icmp", "127.0.0.1", options={"count": 2}), ctx)
    print(json.dumps([r.status, r.error, r.details]))
asyncio.run(main())'
"""


def _namespaces_work() -> bool:
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    try:
        return subprocess.run(["unshare", "--net", "true"], capture_output=True,
                              timeout=10).returncode == 0
    except OSError:
        return False


@pytest.mark.skipif(not _namespaces_work(),
                    reason="cannot make a network namespace here (unshare --net)")
def test_it_pings_loopback_without_privileges_where_the_range_allows_it():
    out = subprocess.run(["unshare", "--net", "sh", "-c", IN_NAMESPACE, sys.executable],
                         capture_output=True, text=True, timeout=60, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    status, error, details = json.loads(out.stdout.strip().splitlines()[-1])
    assert (status, error) == ("up", None), out.stderr
    assert details["packets_received"] == 2 and details["rtt_ms"] > 0


@pytest.mark.skipif(UNPRIVILEGED, reason="this kernel allows unprivileged ICMP")
def test_it_says_how_to_allow_ping_when_the_kernel_refuses_it():
    result = check("icmp", "127.0.0.1", options={"count": 1})
    assert (result.status, result.error) == ("down", REFUSED)
    assert "ping_group_range" in result.error


@pytest.mark.skipif(os.geteuid() != 0, reason="raw ICMP sockets need root or CAP_NET_RAW")
def test_it_pings_loopback_on_raw_sockets_when_asked():
    result = check("icmp", "localhost", options={"count": 3, "gap_ms": 20, "privileged": True})
    assert (result.status, result.error) == ("up", None)
    assert result.details["packets_received"] == 3 and result.response_ms > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="raw ICMP sockets need root or CAP_NET_RAW")
def test_it_is_down_when_the_round_trip_passes_the_down_limit():
    result = check("icmp", "127.0.0.1", options={"count": 1, "privileged": True},
                   expect={"down_rtt_ms": 0})
    assert result.status == "down" and result.error.startswith("round trip ")


def test_it_refuses_the_metadata_address_before_sending_anything():
    result = check("icmp", "169.254.169.254", options={"privileged": True})
    assert (result.status, result.error) == ("down", METADATA)


def _host(received: int, rtts: list[float], sent: int = 4) -> icmplib.Host:
    return icmplib.Host("192.0.2.1", sent, rtts[:received])


@pytest.mark.parametrize(("received", "rtts", "expect", "status", "error"), [
    (4, [1, 2, 3, 2], {}, "up", None),
    (0, [], {}, "down", "packet loss 100% (limit 100%)"),
    (3, [1, 1, 1], {}, "up", None),
    (3, [1, 1, 1], {"degraded_loss_percent": 25}, "degraded", "packet loss 25% (limit 25%)"),
    (2, [1, 1], {"degraded_loss_percent": 10, "down_loss_percent": 50}, "down",
     "packet loss 50% (limit 50%)"),
    (4, [1, 1, 1, 1], {"degraded_loss_percent": 0}, "up", None),
    (3, [1, 1, 1], {"down_loss_percent": 0}, "down", "packet loss 25% (limit 0%)"),
    (4, [100, 200, 300, 200], {"degraded_rtt_ms": 150}, "degraded",
     "round trip 200 ms (limit 150 ms)"),
    (4, [100, 200, 300, 200], {"degraded_rtt_ms": 150, "down_rtt_ms": 180}, "down",
     "round trip 200 ms (limit 180 ms)"),
    (4, [100, 200, 300, 200], {"down_rtt_ms": 200}, "up", None),
])
def test_it_judges_loss_and_round_trip_against_the_thresholds(received, rtts, expect, status,
                                                              error):
    result = judge(_host(received, rtts), expect, "192.0.2.1")
    assert (result.status, result.error) == (status, error)


def test_it_reports_loss_and_round_trips_as_facts():
    details = judge(_host(3, [1.0, 2.0, 6.0]), {}, "192.0.2.1").details
    assert details == {"ip": "192.0.2.1", "connected": True, "packet_loss": 25.0,
                       "packets_sent": 4, "packets_received": 3, "rtt_ms": 3.0,
                       "rtt_min_ms": 1.0, "rtt_max_ms": 6.0}


@pytest.mark.parametrize(("expect", "options", "field"), [
    ({"degraded_loss_percent": 60, "down_loss_percent": 50}, {}, "expect.degraded_loss_percent"),
    ({"degraded_loss_percent": 101}, {}, "expect.degraded_loss_percent"),
    ({"degraded_rtt_ms": 300, "down_rtt_ms": 200}, {}, "expect.degraded_rtt_ms"),
    ({}, {"count": 0}, "options.count"),
    ({}, {"count": 2.5}, "options.count"),
    ({}, {"privileged": "yes"}, "options.privileged"),
])
def test_it_refuses_thresholds_and_options_naming_the_key(expect, options, field):
    with pytest.raises(Invalid) as err:
        registry.get("icmp").validate_settings(expect, options)
    assert err.value.field == field


@pytest.mark.parametrize("target", ["db.internal", "10.0.0.1", "[::1]", "::1"])
def test_it_accepts_a_host_or_an_address_as_target(target):
    registry.get("icmp").target.parse(target)


@pytest.mark.parametrize("target", ["http://x", "a b", "host:80", ""])
def test_it_refuses_a_target_that_is_not_a_host(target):
    with pytest.raises(ValueError):
        registry.get("icmp").target.parse(target)
