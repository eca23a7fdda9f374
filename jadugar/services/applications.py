"""Applications: what the collector watches; each has health checks and metrics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from jadugar.errors import NotFound
from jadugar.models import applications
from jadugar.services.serialize import row_dict


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row)


def list_applications(conn: Connection, limit: int, after: str | None = None) -> list[Any]:
    q = select(applications).order_by(applications.c.slug).limit(limit + 1)
    if after is not None:
        q = q.where(applications.c.slug > after)
    return list(conn.execute(q).all())


def get_application(conn: Connection, slug: str) -> Any:
    row = conn.execute(select(applications).where(applications.c.slug == slug)).first()
    if row is None:
        raise NotFound(f"no application {slug!r}", field="slug")
    return row
