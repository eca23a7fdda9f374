"""Errors outside the API, as a small HTML page. Everything in it that could have come from
the request (a slug, a path, a message quoting input) is escaped: an error page is as much
an HTML response as any other, and once echoed a slug like `<img onerror=...>` runs."""

from __future__ import annotations

from flask import Response, has_request_context, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from jadugar.ui import not_found

# The same look as the Dash not-found page (jadugar/ui/not_found.py, assets/theme.css), in
# the reader's light or dark mode (assets/theme.js runs first, so it never flashes white).
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{status} {reason} · Jadugar</title>{refresh}
<script src="/assets/theme.js"></script>
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css">
<link rel="stylesheet" href="/vendor/css/font/bootstrap-icons.min.css">
<link rel="stylesheet" href="/assets/theme.css">
<link rel="icon" href="/assets/favicon.svg">
</head><body class="bg-body-tertiary"><main class="container py-5"><div class="not-found">
<div class="not-found-icon"><i class="bi {icon}"></i></div>
<div class="not-found-code">{status}</div>
<h1 class="h3 mt-1">{reason}</h1>
<p class="lead not-found-path">{message}</p>{retry}
<div class="d-flex gap-2 justify-content-center flex-wrap">{ways}</div>
</div></main></body></html>"""


def _ways(path: str | None) -> str:
    ways = not_found.ways_back(path)
    return "".join(
        f'<a href="{escape(w.href)}" class="btn '
        f'{"btn-primary" if n == 0 else "btn-outline-secondary"}">{escape(w.label)}</a>'
        for n, w in enumerate(ways))


def render(message: str, status: int, headers: dict[str, str] | None = None,
           retry_s: int | None = None) -> Response:
    """`retry_s`: the page reloads itself after that long (a passing outage, 503)."""
    reason = HTTP_STATUS_CODES.get(status, "Error")
    refresh = f'\n<meta http-equiv="refresh" content="{int(retry_s)}">' if retry_s else ""
    retry = f"\n<p>This page reloads itself in {int(retry_s)} s.</p>" if retry_s else ""
    path = request.path if has_request_context() else None
    icon = "bi-signpost-split" if status == 404 else "bi-exclamation-triangle"
    body = _PAGE.format(status=status, reason=escape(reason), message=escape(message),
                        refresh=refresh, retry=retry, icon=icon, ways=_ways(path))
    return Response(body, status=status, mimetype="text/html", headers=headers)


def from_http(err: HTTPException) -> Response | HTTPException:
    """Werkzeug's 4xx/5xx as our page; redirects (e.g. a missing trailing slash) and
    exceptions that carry their own response pass through unchanged."""
    if err.code is None or err.code < 400 or err.response is not None:
        return err
    # Keep headers such as Allow (405); the body's own Content-Type is ours.
    kept = {k: v for k, v in err.get_headers() if k.lower() != "content-type"}
    return render(err.description or err.name, err.code, kept)
