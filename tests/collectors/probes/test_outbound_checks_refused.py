"""Every probe type connects only where the outbound guard allows: cloud metadata never,
loopback by default, and not once JADUGAR_CHECK_DENY_NETWORKS covers it. A refusal is a
down result that names the rule, never an exception."""

import time
from collections.abc import Callable, Iterator

import pytest

from collectors.probes import Result
from jadugar import config

Check = Callable[..., Result]
METADATA = "address 169.254.169.254 is not allowed (link-local / cloud metadata)"
LOOPBACK_DENIED = "address 127.0.0.1 is not allowed (JADUGAR_CHECK_DENY_NETWORKS 127.0.0.0/8)"


@pytest.fixture
def deny_loopback() -> Iterator[None]:
    before = config.get()
    config.override(before.replace(check_deny_networks="127.0.0.0/8"))
    yield
    config.override(before)


@pytest.mark.parametrize(("kind", "target"), [
    ("http", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
    ("https", "https://169.254.169.254/"),
    ("prometheus", "http://169.254.169.254/metrics"),
    ("tcp", "169.254.169.254:80"),
    ("tls", "169.254.169.254:443"),
    ("redis", "redis://169.254.169.254:6379"),
    ("postgres", "postgresql://monitor@169.254.169.254/postgres"),
    ("dns", "169.254.169.254"),
])
def test_it_refuses_the_metadata_address_without_touching_the_network(
        check: Check, kind: str, target: str) -> None:
    started = time.perf_counter()
    result = check(kind, target, timeout_s=5)
    # Refused before any packet: no connect timeout, no "network unreachable".
    assert time.perf_counter() - started < 1
    assert (result.status, result.error) == ("down", METADATA)


def _run(check: Check, request: pytest.FixtureRequest, name: str) -> Result:
    kind, target = _targets(request)[name]
    # The test certificate is self-signed and expires in a few days: judge reachability only.
    return check(kind, target, options={"verify_tls": False} if kind == "https" else {},
                 expect={"min_days_left": 1} if kind == "tls" else {})


def _targets(request: pytest.FixtureRequest) -> dict[str, tuple[str, str]]:
    web = request.getfixturevalue("web_urls")
    return {
        "http": ("http", f"{web['http']}/ok"),
        "https": ("https", f"{web['https']}/ok"),
        "prometheus": ("prometheus", f"{web['http']}/metrics"),
        "tcp": ("tcp", request.getfixturevalue("tcp_listener")),
        "tls": ("tls", request.getfixturevalue("tls_target")),
        "redis": ("redis", request.getfixturevalue("fake_redis")),
        "dns": ("dns", "127.0.0.1"),
    }


@pytest.mark.parametrize("name", ["http", "https", "prometheus", "tcp", "tls", "redis", "dns"])
def test_it_reaches_loopback_by_default(check: Check, request: pytest.FixtureRequest,
                                        name: str) -> None:
    assert _run(check, request, name).status == "up"


@pytest.mark.parametrize("name", ["http", "https", "prometheus", "tcp", "tls", "redis", "dns"])
def test_it_refuses_loopback_once_the_deny_list_covers_it(
        check: Check, request: pytest.FixtureRequest, deny_loopback: None, name: str) -> None:
    result = _run(check, request, name)
    assert (result.status, result.error) == ("down", LOOPBACK_DENIED)


def test_it_refuses_postgres_on_a_denied_address(check: Check, deny_loopback: None,
                                                  tcp_listener: str) -> None:
    result = check("postgres", f"postgresql://monitor@{tcp_listener}/postgres", timeout_s=2)
    assert (result.status, result.error) == ("down", LOOPBACK_DENIED)


@pytest.mark.parametrize("kind", ["http", "tcp", "redis", "postgres", "dns"])
def test_it_judges_a_name_by_the_address_it_resolves_to(
        check: Check, web_url: str, deny_loopback: None, kind: str) -> None:
    port = web_url.rsplit(":", 1)[1]
    target = {"http": f"http://localhost:{port}/ok", "tcp": f"localhost:{port}",
              "redis": f"localhost:{port}", "postgres": f"postgresql://u@localhost:{port}/db",
              "dns": "localhost"}[kind]
    # One refused address refuses the name, even if it also resolves to an allowed one.
    result = check(kind, target, timeout_s=2)
    assert (result.status, result.error) == ("down", LOOPBACK_DENIED)
