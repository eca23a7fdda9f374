"""Applications: what the collector watches; each has health checks and metrics."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from jadugar.errors import Conflict, Invalid, NotFound
from jadugar.models import applications
from jadugar.services.serialize import row_dict

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
TEXT_FIELDS = ("name", "description", "environment", "owner")
EDITABLE = (*TEXT_FIELDS, "tags")


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row)


def list_applications(conn: Connection, limit: int, after: str | None = None) -> list[Any]:
    q = select(applications).order_by(applications.c.slug).limit(limit + 1)
    if after is not None:
        q = q.where(applications.c.slug > after)
    return list(conn.execute(q).all())


def all_applications(conn: Connection) -> list[Any]:
    """Every application by slug, for the Settings list."""
    return list(conn.execute(select(applications).order_by(applications.c.slug)).all())


def slugs(conn: Connection) -> list[str]:
    """Every application's slug in order: the choices of the application pickers."""
    return list(conn.scalars(select(applications.c.slug).order_by(applications.c.slug)))


def get_application(conn: Connection, slug: str) -> Any:
    row = conn.execute(select(applications).where(applications.c.slug == slug)).first()
    if row is None:
        raise NotFound(f"no application {slug!r}", field="slug")
    return row


def application_id(conn: Connection, slug: str) -> int:
    return get_application(conn, slug).id


def _clean(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    """Validate the editable fields present in `data`; name is required unless partial."""
    unknown = set(data) - set(EDITABLE) - {"slug"}
    if unknown:
        field = sorted(unknown)[0]
        raise Invalid(f"unknown field {field!r}", field=field)
    out: dict[str, Any] = {}
    for field in TEXT_FIELDS:
        if field in data:
            value = data[field]
            if value is not None and not isinstance(value, str):
                raise Invalid(f"{field} must be text", field=field)
            out[field] = value.strip() if isinstance(value, str) else None
    if not partial and not out.get("name"):
        raise Invalid("name is required", field="name")
    if "name" in out and not out["name"]:
        raise Invalid("name must not be empty", field="name")
    if "tags" in data:
        tags = data["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip()
                                                 for t in tags):
            raise Invalid("tags must be a list of non-empty strings", field="tags")
        out["tags"] = sorted({t.strip() for t in tags})
    return out


def create_application(conn: Connection, data: dict[str, Any]) -> Any:
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise Invalid("slug must be 1-63 lowercase letters, digits or dashes", field="slug")
    values = _clean(data, partial=False)
    values.setdefault("tags", [])
    try:
        with conn.begin_nested():
            return conn.execute(insert(applications).values(slug=slug, **values)
                                .returning(applications)).one()
    except IntegrityError:
        raise Conflict(f"an application {slug!r} already exists", field="slug") from None


def update_application(conn: Connection, slug: str, data: dict[str, Any]) -> Any:
    if "slug" in data and data["slug"] != slug:
        raise Invalid("slug cannot be changed", field="slug")
    values = _clean(data, partial=True)
    get_application(conn, slug)
    if not values:
        return get_application(conn, slug)
    return conn.execute(update(applications).where(applications.c.slug == slug)
                        .values(**values, updated_at=func.now())
                        .returning(applications)).one()


def delete_application(conn: Connection, slug: str) -> None:
    """Delete the application with its checks, history, metrics, rules and alerts."""
    gone = conn.execute(delete(applications).where(applications.c.slug == slug)).rowcount
    if not gone:
        raise NotFound(f"no application {slug!r}", field="slug")
