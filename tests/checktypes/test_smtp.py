"""smtp talks to a real local SMTP server (aiosmtpd, loopback): it reads the banner, upgrades
with STARTTLS or speaks TLS from the first byte, and reports the certificate's days left."""

import ssl
from collections.abc import Iterator
from datetime import datetime

import pytest
from aiosmtpd.controller import Controller
from checktype_probes import METADATA, check, free_port, self_signed

from jadugar.checks import registry
from jadugar.errors import Invalid

IDENT = "Jadugar-Test-MTA 1.0"
CERT_DAYS = 30


class Sink:
    async def handle_DATA(self, server, session, envelope) -> str:
        return "250 OK"


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory) -> ssl.SSLContext:
    cert, key = self_signed(days=CERT_DAYS)
    folder = tmp_path_factory.mktemp("smtp-tls")
    (folder / "cert.pem").write_text(cert)
    (folder / "key.pem").write_text(key)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return ctx


def _serve(**kwargs) -> Controller:
    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port(), ident=IDENT,
                            **kwargs)
    controller.start()
    return controller


@pytest.fixture(scope="module")
def servers(tls_context) -> Iterator[dict[str, str]]:
    """A plain server, one offering STARTTLS, one speaking TLS from the first byte."""
    running = {"plain": _serve(),
               "starttls": _serve(tls_context=tls_context),
               "smtps": _serve(ssl_context=tls_context, server_hostname="localhost")}
    yield {name: f"127.0.0.1:{c.port}" for name, c in running.items()}
    for controller in running.values():
        controller.stop()


def test_it_reads_the_banner(servers):
    result = check("smtp", servers["plain"], expect={"banner_contains": "Jadugar-Test-MTA"})
    assert (result.status, result.error) == ("up", None)
    assert IDENT in result.details["banner"]
    assert result.details["ip"] == "127.0.0.1" and result.details["connected"] is True
    assert "certificate_expires_at" not in result.details and result.response_ms > 0


def test_it_is_down_when_the_banner_lacks_the_expected_text(servers):
    result = check("smtp", servers["plain"], expect={"banner_contains": "Postfix"})
    assert result.status == "down"
    assert result.error.startswith("banner ") and "does not contain 'Postfix'" in result.error


def test_it_upgrades_with_starttls_and_reports_the_days_left(servers):
    result = check("smtp", servers["starttls"],
                   options={"starttls": True, "verify_tls": False})
    assert (result.status, result.error) == ("up", None)
    assert CERT_DAYS - 1 < result.details["cert_days_left"] <= CERT_DAYS
    expires = datetime.fromisoformat(result.details["certificate_expires_at"])
    assert expires.tzinfo is not None


def test_it_is_down_when_the_certificate_expires_too_soon(servers):
    result = check("smtp", servers["starttls"], expect={"min_days_left": 60},
                   options={"starttls": True, "verify_tls": False})
    assert result.status == "down"
    assert result.error.startswith("certificate expires in ") and "(minimum 60)" in result.error


def test_it_speaks_tls_from_the_first_byte(servers):
    result = check("smtp", servers["smtps"], options={"tls": True, "verify_tls": False},
                   expect={"banner_contains": "Jadugar"})
    assert (result.status, result.error) == ("up", None)
    assert result.details["cert_days_left"] > CERT_DAYS - 1


def test_it_verifies_the_certificate_by_default(servers):
    result = check("smtp", servers["starttls"], options={"starttls": True})
    assert result.status == "down" and result.error.startswith("certificate verify failed")


def test_it_says_when_the_server_offers_no_starttls(servers):
    result = check("smtp", servers["plain"], options={"starttls": True})
    assert (result.status, result.error) == ("down", "the server does not offer STARTTLS")
    assert IDENT in result.details["banner"]


def test_it_is_down_when_nothing_listens():
    result = check("smtp", f"127.0.0.1:{free_port()}")
    assert (result.status, result.error) == ("down", "connection refused")


def test_it_refuses_the_metadata_address_before_connecting():
    assert check("smtp", "169.254.169.254:25").error == METADATA


def test_it_refuses_tls_and_starttls_together():
    with pytest.raises(Invalid) as err:
        registry.get("smtp").validate_settings({}, {"tls": True, "starttls": True})
    assert err.value.field == "options.starttls"
