"""tls: the certificate a server presents is not about to expire."""

from __future__ import annotations

import time

from cryptography import x509

from jadugar.outbound import open_connection

from . import form
from .kind import CheckType, Form, FormField, Target
from .net import client_tls_context, close_quietly, split_host_port
from .probe import CheckSpec, ProbeContext, Result, elapsed_ms
from .schema import Schema, Setting

DEFAULT_MIN_DAYS_LEFT = 14
DEFAULT_VERIFY = False  # a self-signed certificate still expires


class TlsProbe:
    type = "tls"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        host, port = split_host_port(spec.target, default_port=443)
        server_name = spec.options.get("server_name") or host
        started = time.perf_counter()
        # The chain is only checked on request (DEFAULT_VERIFY).
        _, writer = await open_connection(
            host,
            port,
            ctx.policy,
            ssl=client_tls_context(bool(spec.options.get("verify_tls", DEFAULT_VERIFY))),
            # Python sends no SNI for an IP address but still matches it when verifying.
            server_hostname=server_name,
        )
        took = elapsed_ms(started, time.perf_counter())
        try:
            der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        finally:
            await close_quietly(writer)
        if not der:
            return Result("down", response_ms=took, error="server presented no certificate")
        return _judge(x509.load_der_x509_certificate(der), spec, ctx, took)


def _judge(cert: x509.Certificate, spec: CheckSpec, ctx: ProbeContext, took: float) -> Result:
    not_after = cert.not_valid_after_utc
    days_left = (not_after - ctx.now()).total_seconds() / 86400
    details = {
        "cert_days_left": round(days_left, 2),
        "not_after": not_after.isoformat(),
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
    }
    minimum = float(spec.expect.get("min_days_left", DEFAULT_MIN_DAYS_LEFT))
    if days_left <= 0:
        error = f"certificate expired {-days_left:.1f} days ago ({not_after:%Y-%m-%d %H:%M} UTC)"
    elif days_left < minimum:
        error = f"certificate expires in {days_left:.1f} days (minimum {minimum:g})"
    else:
        return Result("up", response_ms=took, details=details)
    return Result("down", response_ms=took, error=error, details=details)


TLS = CheckType(
    name="tls", help="The certificate a server presents is not about to expire.",
    target=Target("Host:port", "example.com:443",
                  lambda t: split_host_port(t, default_port=443)[0],
                  help="host:port; the port defaults to 443."),
    probe=TlsProbe(),
    expect=Schema({"min_days_left": Setting(
        "Days the certificate must still be valid for.", json="number", minimum=0,
        maximum=3650, default=DEFAULT_MIN_DAYS_LEFT)}),
    options=Schema({
        "server_name": Setting("The name sent as SNI and verified (default: the host)."),
        "verify_tls": Setting("Verify the certificate chain as well.", json="boolean",
                              default=DEFAULT_VERIFY)}),
    form=Form(fields=(FormField("min_days_left", "Min days left on the certificate",
                                "expect.min_days_left", "number", placeholder="14", width=4,
                                read=form.number),)),
)
