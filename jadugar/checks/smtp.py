"""smtp: the mail server greets with 220, optionally upgrades to TLS (STARTTLS, or TLS from
the first byte), and its certificate is not about to expire. Nothing is sent: the probe
says EHLO (for STARTTLS) and QUIT."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from datetime import datetime

import aiosmtplib
from cryptography import x509

from jadugar.outbound import clip, quote, resolve

from . import form
from .kind import CheckType, Form, FormField, Target
from .net import client_tls_context, split_host_port
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting, fail

DEFAULT_PORT = 25
DEFAULT_MIN_DAYS_LEFT = 14


class SmtpProbe:
    type = "smtp"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        """1. connect to the checked address, 2. read the banner, 3. STARTTLS if asked,
        4. judge the banner and the certificate."""
        host, port = split_host_port(spec.target, DEFAULT_PORT)
        opts = spec.options
        address = (await resolve(host, port, ctx.policy))[0]
        details: dict = {"ip": address, "connected": False}
        started = time.perf_counter()
        sock = await _connect(address, port)
        smtp = aiosmtplib.SMTP(
            hostname=host, sock=sock, use_tls=bool(opts.get("tls")), start_tls=False,
            tls_context=client_tls_context(bool(opts.get("verify_tls", True))),
            timeout=spec.timeout_s)
        try:
            greeting = await smtp.connect()
            details.update(connected=True, banner=clip(greeting.message))
            if opts.get("starttls"):
                await smtp.starttls()
            took = elapsed_ms(started, time.perf_counter())
            der = _peer_certificate(smtp)
        except aiosmtplib.SMTPResponseException as exc:
            return Result("down", error=f"SMTP {exc.code}: {quote(exc.message)}",
                          details=details)
        except aiosmtplib.SMTPException as exc:
            return Result("down", error=_sentence(exc), details=details)
        finally:
            await _quit(smtp, sock)
        return judge(spec.expect, greeting.message, der, ctx.now(), took, details)


async def _connect(address: str, port: int) -> socket.socket:
    # Our own socket, so the connection goes to the address the guard checked while TLS
    # still verifies the host's name (aiosmtplib would look the name up again).
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(sock, (address, port))
    except BaseException:
        sock.close()
        raise
    return sock


def _peer_certificate(smtp: aiosmtplib.SMTP) -> bytes | None:
    tls = smtp.get_transport_info("ssl_object")
    return tls.getpeercert(binary_form=True) if tls is not None else None


async def _quit(smtp: aiosmtplib.SMTP, sock: socket.socket) -> None:
    with contextlib.suppress(Exception):
        if smtp.is_connected:
            async with asyncio.timeout(1):  # a polite goodbye, never worth a slow probe
                await smtp.quit()
    smtp.close()
    sock.close()


def _sentence(exc: aiosmtplib.SMTPException) -> str:
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return "connection closed by the server"
    if "STARTTLS extension not supported" in str(exc):
        return "the server does not offer STARTTLS"
    return f"SMTP: {quote(exc.message)}"


def judge(expect: dict, banner: str, der: bytes | None, now: datetime, took: float,
          details: dict) -> Result:
    failures = []
    wanted = expect.get("banner_contains")
    if wanted and str(wanted) not in banner:
        failures.append(f"banner {quote(banner)} does not contain {wanted!r}")
    if der:
        not_after = x509.load_der_x509_certificate(der).not_valid_after_utc
        days_left = round((not_after - now).total_seconds() / 86400, 2)
        details.update(certificate_expires_at=not_after.isoformat(), cert_days_left=days_left)
        minimum = float(expect.get("min_days_left", DEFAULT_MIN_DAYS_LEFT))
        if days_left <= 0:
            failures.append(f"certificate expired {-days_left:.1f} days ago")
        elif days_left < minimum:
            failures.append(f"certificate expires in {days_left:.1f} days (minimum {minimum:g})")
    return Result("down" if failures else "up", response_ms=took,
                  error="; ".join(failures) or None, details=details)


def _rules(options: dict, prefix: str) -> None:
    if options.get("tls") and options.get("starttls"):
        fail(f"{prefix}.starttls", f"cannot be used with {prefix}.tls (already encrypted)")


EXPECT = Schema({
    "banner_contains": Setting("Text the server's greeting must contain.",
                               example="ESMTP Postfix"),
    "min_days_left": Setting("With TLS: days the certificate must still be valid for.",
                             json="number", minimum=0, maximum=3650,
                             default=DEFAULT_MIN_DAYS_LEFT),
})
OPTIONS = Schema({
    "starttls": Setting("Upgrade to TLS with STARTTLS after the greeting (port 25, 587).",
                        json="boolean", default=False),
    "tls": Setting("TLS from the first byte (SMTPS, port 465).", json="boolean",
                   default=False),
    "verify_tls": Setting("Verify the certificate chain and name.", json="boolean",
                          default=True),
}, rules=_rules)
FORM = Form(fields=(
    FormField("smtp_starttls", "STARTTLS", "options.starttls", "switch", width=2,
              default=False, read=form.flag),
    FormField("smtp_tls", "TLS (SMTPS)", "options.tls", "switch", width=2, default=False,
              read=form.flag),
    FormField("smtp_verify_tls", "Verify TLS", "options.verify_tls", "switch", width=2,
              default=True, read=form.flag),
    FormField("banner_contains", "Banner contains", "expect.banner_contains",
              placeholder="ESMTP", width=3),
    FormField("smtp_min_days_left", "Min days left on the certificate",
              "expect.min_days_left", "number", placeholder="14", width=3, read=form.number),
))

SMTP = CheckType(
    name="smtp", help="The mail server greets, optionally upgrades to TLS, and its "
                      "certificate is not about to expire.",
    target=Target("Host:port", "mail.example.com:587",
                  lambda t: split_host_port(t, DEFAULT_PORT)[0],
                  help="host:port; the port defaults to 25."),
    probe=SmtpProbe(), expect=EXPECT, options=OPTIONS, form=FORM,
)
