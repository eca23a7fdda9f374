"""Errors outside the API, as a small HTML page. Everything in it that could have come from
the request (a slug, a path, a message quoting input) is escaped: an error page is as much
an HTML response as any other, and once echoed a slug like `<img onerror=...>` runs."""

from __future__ import annotations

from flask import Response
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{status} {reason} · Jadugar</title>{refresh}
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css">
</head><body class="bg-body-tertiary"><main class="container py-5">
<h1 class="h3">{reason}</h1>
<p class="lead">{message}</p>{retry}
<p><a href="/">Back to Jadugar</a></p>
</main></body></html>"""


def render(message: str, status: int, headers: dict[str, str] | None = None,
           retry_s: int | None = None) -> Response:
    """`retry_s`: the page reloads itself after that long (a passing outage, 503)."""
    reason = HTTP_STATUS_CODES.get(status, "Error")
    refresh = f'\n<meta http-equiv="refresh" content="{int(retry_s)}">' if retry_s else ""
    retry = f"\n<p>This page reloads itself in {int(retry_s)} s.</p>" if retry_s else ""
    body = _PAGE.format(status=status, reason=escape(reason), message=escape(message),
                        refresh=refresh, retry=retry)
    return Response(body, status=status, mimetype="text/html", headers=headers)


def from_http(err: HTTPException) -> Response | HTTPException:
    """Werkzeug's 4xx/5xx as our page; redirects (e.g. a missing trailing slash) and
    exceptions that carry their own response pass through unchanged."""
    if err.code is None or err.code < 400 or err.response is not None:
        return err
    # Keep headers such as Allow (405); the body's own Content-Type is ours.
    kept = {k: v for k, v in err.get_headers() if k.lower() != "content-type"}
    return render(err.description or err.name, err.code, kept)
