"""Every probe by check type. Adding a type is one module plus one line here."""

from __future__ import annotations

from .base import Probe
from .dns import DnsProbe
from .http import HttpProbe
from .postgres import PostgresProbe
from .prometheus import PrometheusProbe
from .redis import RedisProbe
from .tcp import TcpProbe
from .tls import TlsProbe

# 'heartbeat' is missing on purpose: those checks are pushed to us, never probed.
PROBES: dict[str, Probe] = {
    "http": HttpProbe("http"),
    "https": HttpProbe("https"),
    "tcp": TcpProbe(),
    "dns": DnsProbe(),
    "tls": TlsProbe(),
    "postgres": PostgresProbe(),
    "redis": RedisProbe(),
    "prometheus": PrometheusProbe(),
}
