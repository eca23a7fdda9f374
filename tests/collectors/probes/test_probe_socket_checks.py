from collections.abc import Callable

from collectors.probes import Result

Check = Callable[..., Result]


def test_it_reports_a_listening_port_as_up(check: Check, tcp_listener: str) -> None:
    result = check("tcp", tcp_listener)
    assert (result.status, result.error) == ("up", None)
    assert result.response_ms is not None


def test_it_reports_a_closed_port_as_down(check: Check, closed_port: int) -> None:
    result = check("tcp", f"127.0.0.1:{closed_port}")
    assert (result.status, result.error) == ("down", "connection refused")


def test_it_asks_for_a_port_when_the_target_has_none(check: Check) -> None:
    result = check("tcp", "127.0.0.1")
    assert result.error == "target '127.0.0.1' needs a port, like host:port"


def test_it_resolves_localhost(check: Check) -> None:
    result = check("dns", "localhost")
    assert result.status == "up"
    assert "127.0.0.1" in result.details["resolved"]


def test_it_compares_the_resolved_address(check: Check) -> None:
    assert check("dns", "localhost", expect={"address": "127.0.0.1"}).status == "up"
    result = check("dns", "localhost", options={"family": "ipv4"}, expect={"address": "10.0.0.9"})
    assert result.status == "down"
    assert result.error == "expected address 10.0.0.9, resolved 127.0.0.1"


def test_it_reports_a_name_that_does_not_resolve(check: Check) -> None:
    result = check("dns", "no-such-host.invalid")
    assert result.status == "down"
    assert result.error.startswith("cannot resolve host: ")
