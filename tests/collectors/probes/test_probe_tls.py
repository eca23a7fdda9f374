import datetime as dt
from collections.abc import Callable

import pytest

from collectors.probes import Result

Check = Callable[..., Result]


def test_it_reads_the_days_left_on_a_self_signed_certificate(
    check: Check, tls_target: str, cert_days: int
) -> None:
    result = check("tls", tls_target, expect={"min_days_left": 3})
    assert (result.status, result.error) == ("up", None)
    assert result.details["cert_days_left"] == pytest.approx(cert_days, abs=0.01)
    assert result.details["subject"] == "CN=jadugar-test"


def test_it_reports_a_certificate_expiring_soon_as_down(
    check: Check, tls_target: str, cert_days: int
) -> None:
    result = check("tls", tls_target)  # default minimum is 14 days
    assert result.status == "down"
    assert result.error == f"certificate expires in {cert_days:.1f} days (minimum 14)"


def test_it_verifies_the_chain_only_when_asked(check: Check, tls_target: str) -> None:
    result = check("tls", tls_target, options={"verify_tls": True}, expect={"min_days_left": 1})
    assert result.status == "down"
    assert result.error.startswith("certificate verify failed")


def test_it_survives_a_server_that_does_not_speak_tls(check: Check, junk_target: str) -> None:
    result = check("tls", junk_target, timeout_s=2)
    assert result.status == "down"
    assert result.error


def test_it_reports_an_expired_certificate(check: Check, tls_target: str, cert_days: int) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=cert_days + 2)
    result = check("tls", tls_target, now=later)
    assert result.status == "down"
    assert result.error.startswith("certificate expired 2.0 days ago")


def test_it_gives_up_on_a_handshake_that_never_comes(check: Check, tcp_listener: str) -> None:
    result = check("tls", tcp_listener, timeout_s=0.3)
    assert (result.status, result.error) == ("down", "timed out after 0.3 s")
