"""The test plug-in (tests/fixtures/cisource_plugin) and plain HTTP calls to a real server."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

PLUGIN = Path(__file__).resolve().parent.parent / "fixtures" / "cisource_plugin"


def call(base: str, method: str, path: str, body: dict | bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """(status, JSON answer); `body` goes as JSON, or as it is when it is bytes."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, method=method, data=data, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
