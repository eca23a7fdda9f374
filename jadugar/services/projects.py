"""Projects: the unit builds, milestones and delivery metrics belong to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from jadugar.errors import NotFound
from jadugar.models import projects
from jadugar.services.serialize import row_dict

# Webhook secrets never leave the server.
PRIVATE = ("github_webhook_secret", "gitlab_webhook_token")


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row, exclude=PRIVATE)


def list_projects(conn: Connection, limit: int, after: str | None = None) -> list[Any]:
    """Projects by slug, limit + 1 rows so the caller knows whether another page follows."""
    q = select(projects).order_by(projects.c.slug).limit(limit + 1)
    if after is not None:
        q = q.where(projects.c.slug > after)
    return list(conn.execute(q).all())


def get_project(conn: Connection, slug: str) -> Any:
    row = conn.execute(select(projects).where(projects.c.slug == slug)).first()
    if row is None:
        raise NotFound(f"no project {slug!r}", field="slug")
    return row
