"""A status page's own header text, footer text and logo URL. The texts are plain text (the
page escapes them); the logo must be an https URL, so a page served over https never pulls
a mixed-content image and a `javascript:` or `data:` URL can never reach an <img>."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, text

from jadugar.errors import Invalid

FIELDS = ("header_text", "footer_text", "logo_url")
TEXT_MAX = 2000


def validate(body: dict[str, Any]) -> dict[str, str | None]:
    """The three fields from a request body (missing means none), checked."""
    out: dict[str, str | None] = {}
    for field in FIELDS:
        value = body.get(field)
        if value is not None and not isinstance(value, str):
            raise Invalid(f"{field} must be text", field=field)
        if value is not None and "\x00" in value:  # PostgreSQL text cannot hold it
            raise Invalid(f"{field} contains a NUL character", field=field)
        if value is not None and len(value) > TEXT_MAX:
            raise Invalid(f"{field} is longer than {TEXT_MAX} characters", field=field)
        out[field] = (value.strip() or None) if value is not None else None
    logo = out["logo_url"]
    if logo is not None:
        parts = urlsplit(logo)
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise Invalid("logo_url has a bad port", field="logo_url") from None
        if parts.scheme != "https" or not parts.hostname or any(
                c.isspace() or c in "\"'<>" for c in logo):
            raise Invalid("logo_url must be an https:// URL", field="logo_url")
    return out


def save(conn: Connection, page_id: int, branding: dict[str, str | None]) -> None:
    conn.execute(text("update status_pages set header_text = :header_text, "
                      "footer_text = :footer_text, logo_url = :logo_url where id = :id"),
                 {**branding, "id": page_id})
