"""Each new probe is judged by the outbound guard on the address it would reach: once
JADUGAR_CHECK_DENY_NETWORKS covers loopback, a loopback target, by address or by name, is a
down result naming the rule, and nothing is sent."""

from collections.abc import Iterator

import pytest
from checktype_probes import check

from jadugar import config

LOOPBACK_DENIED = "address 127.0.0.1 is not allowed (JADUGAR_CHECK_DENY_NETWORKS 127.0.0.0/8)"


@pytest.fixture
def deny_loopback() -> Iterator[None]:
    before = config.get()
    config.override(before.replace(check_deny_networks="127.0.0.0/8,::1/128"))
    yield
    config.override(before)


@pytest.mark.parametrize(("kind", "target", "options"), [
    ("icmp", "{host}", {"privileged": True}),
    ("grpc", "{host}:50051", {}),
    ("smtp", "{host}:25", {}),
    ("websocket", "ws://{host}:8080/socket", {}),
    ("ssh", "{host}:22", {}),
    ("udp", "{host}:123", {"send": "x"}),
    ("dns", "example.com", {"server": "{host}", "record_type": "A"}),
])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_it_refuses_a_denied_address_before_sending_anything(deny_loopback, kind, target,
                                                             options, host):
    options = {k: v.format(host=host) if isinstance(v, str) else v for k, v in options.items()}
    result = check(kind, target.format(host=host), options=options, timeout_s=5)
    assert (result.status, result.error) == ("down", LOOPBACK_DENIED)
