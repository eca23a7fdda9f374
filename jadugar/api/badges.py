"""The badges' entry in the OpenAPI document. They are served outside /api
(jadugar/web/badges.py) and need no identity, so each path names its own server ("/")."""

from __future__ import annotations

from jadugar.api.openapi import path_param, query_param

_THEME = query_param("theme", description="light (default) or dark")
_SVG = {"description": "The badge", "content": {"image/svg+xml": {"schema": {
    "type": "string"}}}, "headers": {"Cache-Control": {"schema": {"type": "string"},
                                                        "description": "public, max-age=60"}}}
_NOT_FOUND = {"description": "No public application of this slug: the same answer for a "
                             "private one and for none", "content": {"text/plain": {
                                 "schema": {"type": "string"}}}}
_BAD = {"description": "A bad days or theme (public applications only)"}


def _badge(summary: str, *params: dict) -> dict:
    return {"servers": [{"url": "/"}], "get": {
        "summary": summary, "x-scope": "none (public)", "security": [],
        "parameters": [path_param("slug"), *params, _THEME],
        "responses": {"200": _SVG, "404": _NOT_FOUND, "422": _BAD}}}


OPENAPI = {"paths": {
    "/badge/{slug}/status.svg": _badge("Status badge of a public application"),
    "/badge/{slug}/uptime.svg": _badge(
        "Uptime badge of a public application",
        query_param("days", "integer", "1-365, default 30")),
    "/badge/{slug}/response.svg": _badge(
        "Median response time over the last day, of a public application"),
}}
