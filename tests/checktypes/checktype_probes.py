"""Running one probe as the collector does (run_probe, a fresh guarded context), and an event
loop in a thread for the local targets the probes talk to."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from collectors.probes import CheckSpec, Result, make_context, run_probe

METADATA = "address 169.254.169.254 is not allowed (link-local / cloud metadata)"


def check(type: str, target: str, **fields: Any) -> Result:
    """Run the probe of `type` once, through run_probe, in a fresh event loop."""

    async def main() -> Result:
        async with await make_context() as ctx:
            return await run_probe(CheckSpec(id=1, type=type, target=target, **fields), ctx)

    return asyncio.run(main())


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A loopback port nobody listens on now (for servers that cannot bind port 0)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed(days: int = 30, names: tuple[str, ...] = ("localhost",)) -> tuple[str, str]:
    """(certificate PEM, key PEM) valid for `days`, for 127.0.0.1 and `names`."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = dt.datetime.now(dt.UTC)
    alt = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM).decode(),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode())
