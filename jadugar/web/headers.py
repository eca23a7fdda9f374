"""Security headers on every response the Flask server sends: pages, Dash's routes, the
API, the public status pages, the printable report and error pages.

The Content-Security-Policy is what turns an HTML-injection bug into a harmless one: no
inline script runs unless its hash is listed (Dash's renderer bootstrap and its clientside
callbacks, from `app.csp_hashes()`; the status page's local-time script), no script comes
from another origin, and no other site may frame us (clickjacking).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response

_KEY = "jadugar_script_hashes"

# Plotly's WebGL traces (scattergl on the project page) are drawn by regl, which compiles
# its shaders' JavaScript with `new Function`. Chromium refuses that without 'unsafe-eval'
# and the chart stays empty with an EvalError in the console (tests/browser/
# test_csp_pages.py caught it). Plotly's "strict" bundle avoids it but is not what dcc.Graph
# ships. 'unsafe-eval' does not let injected markup run script: inline script and foreign
# origins stay refused, which is what stops XSS.
_EVAL = "'unsafe-eval'"


def script_hash(source: str) -> str:
    """The CSP source expression allowing one inline <script> whose text is `source`."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(script_hashes: Iterable[str]) -> str:
    scripts = " ".join(["'self'", *dict.fromkeys(script_hashes), _EVAL])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        # React, Plotly and Bootstrap set style attributes and inject <style> elements.
        "style-src 'self' 'unsafe-inline'",
        # Bootstrap draws form controls and the navbar toggler with data: SVGs.
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",  # XHR and Socket.IO (same-origin ws/wss is 'self' in CSP 3)
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def install(server: Flask, inline_scripts: Iterable[str] = ()) -> None:
    fixed = [script_hash(s) for s in inline_scripts]
    state: dict[str, Any] = {"hashes": (), "policy": policy(fixed)}
    server.extensions[_KEY] = state

    @server.after_request
    def _secure(response: Response) -> Response:
        source = state.get("source")
        if source is not None and response.mimetype == "text/html":
            # Dash adds an inline script or two on its first request (the pages router),
            # after the app is built, so the hashes are read again for each HTML page:
            # a few small SHA-256s, and only documents carry scripts.
            hashes = tuple(source())
            if hashes != state["hashes"]:
                state["hashes"], state["policy"] = hashes, policy([*fixed, *hashes])
        h = response.headers
        h.setdefault("Content-Security-Policy", state["policy"])
        h["X-Content-Type-Options"] = "nosniff"
        h["X-Frame-Options"] = "DENY"
        h["Referrer-Policy"] = "same-origin"
        return response


def allow_scripts(server: Flask, source: Callable[[], Iterable[str]]) -> None:
    """Also allow the CSP hashes `source()` returns (Dash's `app.csp_hashes`)."""
    server.extensions[_KEY]["source"] = source
