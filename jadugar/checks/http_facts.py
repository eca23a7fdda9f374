"""What the HTTP probe tells conditions about the connection itself: the address it reached
([IP]) and, over TLS, when the server's certificate expires ([CERTIFICATE_EXPIRATION]).
Read right after the headers arrive; facts that cannot be read are simply left out (a
condition on them then fails with "no [IP] for this check")."""

from __future__ import annotations

from typing import Any

import aiohttp
from cryptography import x509


def connection_facts(resp: aiohttp.ClientResponse) -> dict[str, Any]:
    out: dict[str, Any] = {"connected": True}
    # A short body is read with the headers and the connection already handed back to the
    # pool: aiohttp then keeps the protocol (and its transport) only on the response.
    holder = resp.connection or getattr(resp, "_protocol", None)
    transport = getattr(holder, "transport", None)
    if transport is None:
        return out
    peer = transport.get_extra_info("peername")
    if peer:
        out["ip"] = str(peer[0])
    tls = transport.get_extra_info("ssl_object")
    # The binary form is there whether or not the certificate was verified (verify_tls off).
    der = tls.getpeercert(binary_form=True) if tls is not None else None
    if der:
        cert = x509.load_der_x509_certificate(der)
        out["certificate_expires_at"] = cert.not_valid_after_utc.isoformat()
    return out
