"""tls: the certificate a server presents is not about to expire."""

from __future__ import annotations

import time

from cryptography import x509

from jadugar.outbound import open_connection

from .base import CheckSpec, ProbeContext, Result, elapsed_ms
from .net import client_tls_context, close_quietly, split_host_port

DEFAULT_MIN_DAYS_LEFT = 14


class TlsProbe:
    type = "tls"

    async def run(self, spec: CheckSpec, ctx: ProbeContext) -> Result:
        host, port = split_host_port(spec.target, default_port=443)
        server_name = spec.options.get("server_name") or host
        started = time.perf_counter()
        # The chain is only checked on request: a self-signed certificate still expires.
        _, writer = await open_connection(
            host,
            port,
            ctx.policy,
            ssl=client_tls_context(bool(spec.options.get("verify_tls", False))),
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
