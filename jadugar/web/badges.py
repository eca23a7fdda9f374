"""/badge/<application>/status.svg, /uptime.svg?days=30 and /response.svg: small images
for READMEs and wikis, served without login (the guard lets /badge/ through) for
applications marked public, and for nothing else.

A private application and one that does not exist get the very same 404, byte for byte,
so a badge URL never tells that an application exists. Badges are cached briefly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from jadugar import db
from jadugar.errors import Invalid
from jadugar.services import badges
from jadugar.ui.badge_svg import THEMES, render

bp = Blueprint("badges", __name__)
CACHE = "public, max-age=60"
NOT_FOUND = b"not found\n"
STATUS_WORDS = {"up": "up", "degraded": "degraded", "down": "down"}


def _not_found() -> Response:
    return Response(NOT_FOUND, status=404, mimetype="text/plain",
                    headers={"Cache-Control": "no-store"})


def _badge(slug: str, say: Callable[[Any, Any], tuple[str, str, str]]) -> Response:
    theme = request.args.get("theme", "light")
    with db.connection() as conn:
        app = badges.public_application(conn, slug)
        if app is None:
            return _not_found()
        if theme not in THEMES:
            raise Invalid(f"theme must be one of {', '.join(THEMES)}", field="theme")
        label, message, tone = say(conn, app)
    return Response(render(label, message, tone, theme), mimetype="image/svg+xml",
                    headers={"Cache-Control": CACHE})


@bp.get("/badge/<slug>/status.svg")
def status_badge(slug: str) -> Response:
    def say(conn: Any, app: Any) -> tuple[str, str, str]:
        return "status", STATUS_WORDS.get(app.status, "unknown"), app.status or "unknown"
    return _badge(slug, say)


@bp.get("/badge/<slug>/uptime.svg")
def uptime_badge(slug: str) -> Response:
    def say(conn: Any, app: Any) -> tuple[str, str, str]:
        days = _days(request.args.get("days", "30"))
        share = badges.uptime(conn, app.id, days)
        if share is None:
            return f"uptime {days}d", "no data", "unknown"
        tone = "up" if share >= 0.999 else "degraded" if share >= 0.99 else "down"
        return f"uptime {days}d", f"{share * 100:.2f}%", tone
    return _badge(slug, say)


@bp.get("/badge/<slug>/response.svg")
def response_badge(slug: str) -> Response:
    def say(conn: Any, app: Any) -> tuple[str, str, str]:
        ms = badges.response_ms(conn, app.id)
        if ms is None:
            return "response", "no data", "unknown"
        return "response", f"{ms:.0f} ms", "up"
    return _badge(slug, say)


def _days(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= badges.MAX_DAYS:
        raise Invalid(f"days must be a whole number from 1 to {badges.MAX_DAYS}",
                      field="days")
    return int(value)
