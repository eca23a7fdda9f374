"""nginx for tests: the documented config (docs/deploy/nginx.conf) with loopback ports and a
self-signed certificate swapped in, inside a minimal main config, as a foreground process."""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import os
import shutil
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parent.parent.parent
DOCUMENTED = ROOT / "docs" / "deploy" / "nginx.conf"
CERT, KEY = "/etc/letsencrypt/live/jadugar.example.com/fullchain.pem", \
    "/etc/letsencrypt/live/jadugar.example.com/privkey.pem"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost that is its own CA, so clients can verify
    it by trusting exactly this file."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def render(http_port: int, https_port: int, upstreams: tuple[int, int], cert: Path,
           key: Path) -> str:
    """The documented config with test ports and files; fails when the doc has drifted
    from the lines this swaps."""
    conf = DOCUMENTED.read_text()
    swaps = [("    listen [::]:80;\n", ""), ("    listen [::]:443 ssl;\n", ""),
             ("listen 80;", f"listen 127.0.0.1:{http_port};"),
             ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
             (CERT, str(cert)), (KEY, str(key)),
             ("server 127.0.0.1:8050 ", f"server 127.0.0.1:{upstreams[0]} "),
             ("server 127.0.0.1:8051 ", f"server 127.0.0.1:{upstreams[1]} ")]
    for old, new in swaps:
        assert old in conf, f"docs/deploy/nginx.conf no longer has {old!r}"
        conf = conf.replace(old, new)
    return conf


def _main_config(folder: Path, site: Path) -> str:
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    temp.chmod(0o777)
    # As root, nginx's workers would run as nobody; here they stay the test's own user.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temps = "".join(f"    {kind}_temp_path {temp / kind};\n"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} info;
events {{ worker_connections 512; }}
http {{
    log_format upstreams '$upstream_addr $status $request_method $uri';
    access_log {folder / 'access.log'} upstreams;
{temps}    include {site};
}}
"""


@contextmanager
def running_nginx(folder: Path, http_port: int, https_port: int,
                  upstreams: tuple[int, int]) -> Iterator[str]:
    """nginx in the foreground with the documented site; yields its https base URL."""
    binary = nginx_binary()
    assert binary, "nginx is not installed"
    cert, key = self_signed(folder)
    site = folder / "jadugar.conf"
    site.write_text(render(http_port, https_port, upstreams, cert, key))
    main = folder / "nginx.conf"
    main.write_text(_main_config(folder, site))
    args = [binary, "-p", str(folder), "-c", str(main), "-g", "daemon off;"]
    check = subprocess.run([*args, "-t"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    log = open(folder / "nginx.out", "ab")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    base = f"https://127.0.0.1:{https_port}"
    try:
        _wait_listening(http_port, proc, folder)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def status_of(url: str) -> tuple[int, dict[str, str]]:
    """Status and headers of a plain-HTTP GET, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request("GET", parts.path or "/")
        r = conn.getresponse()
        return r.status, dict(r.getheaders())
    finally:
        conn.close()


def _wait_listening(port: int, proc: subprocess.Popen, folder: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((folder / "error.log").read_text()[-2000:])
        try:
            status_of(f"http://127.0.0.1:{port}/")
            return  # nginx answered (its redirect to https): it is up
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {port}")
