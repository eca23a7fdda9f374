"""Applications: what the collector watches; each has health checks and metrics.

An application links to the projects that build and deploy it (`projects`, a list of project
slugs): its page then marks their deploys, and the project page lists it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ARRAY, Connection, Text, delete, func, insert, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.exc import IntegrityError

from jadugar.errors import Conflict, Invalid, NotFound
from jadugar.models import application_projects as links
from jadugar.models import applications, projects
from jadugar.services.serialize import row_dict

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
TEXT_FIELDS = ("name", "description", "environment", "owner")
EDITABLE = (*TEXT_FIELDS, "tags", "projects", "public")
# The slugs of the linked projects, as a column of every application read here.
_PROJECTS = literal_column(
    "array(select p.slug from application_projects ap join projects p on p.id = ap.project_id"
    " where ap.application_id = applications.id order by p.slug)", ARRAY(Text)).label("projects")
_APPLICATION = select(applications, _PROJECTS)


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row)


def list_applications(conn: Connection, limit: int, after: str | None = None) -> list[Any]:
    q = _APPLICATION.order_by(applications.c.slug).limit(limit + 1)
    if after is not None:
        q = q.where(applications.c.slug > after)
    return list(conn.execute(q).all())


def all_applications(conn: Connection) -> list[Any]:
    """Every application by slug, for the Settings list."""
    return list(conn.execute(_APPLICATION.order_by(applications.c.slug)).all())


def slugs(conn: Connection) -> list[str]:
    """Every application's slug in order: the choices of the application pickers."""
    return list(conn.scalars(select(applications.c.slug).order_by(applications.c.slug)))


def get_application(conn: Connection, slug: str) -> Any:
    row = conn.execute(_APPLICATION.where(applications.c.slug == slug)).first()
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
    if "public" in data:
        if not isinstance(data["public"], bool):
            raise Invalid("public must be true or false", field="public")
        out["public"] = data["public"]
    if "projects" in data:
        chosen = data["projects"]
        if not isinstance(chosen, list) or not all(isinstance(p, str) for p in chosen):
            raise Invalid("projects must be a list of project slugs", field="projects")
        out["projects"] = sorted(set(chosen))
    return out


def _link(conn: Connection, app_id: int, slugs: list[str]) -> None:
    """Make the application's project links exactly `slugs`; an unknown slug is refused."""
    found = dict(conn.execute(select(projects.c.slug, projects.c.id)
                              .where(projects.c.slug.in_(slugs))).all())
    missing = [s for s in slugs if s not in found]
    if missing:
        raise Invalid(f"projects: no project {missing[0]!r}", field="projects")
    conn.execute(delete(links).where(links.c.application_id == app_id,
                                     links.c.project_id.not_in(found.values())))
    if found:
        conn.execute(upsert(links).values([{"application_id": app_id, "project_id": p}
                                           for p in found.values()])
                     .on_conflict_do_nothing())


def project_choices(conn: Connection) -> list[str]:
    """Every project's slug in order: the choices of the application form's project picker."""
    return list(conn.scalars(select(projects.c.slug).order_by(projects.c.slug)))


def linked_to_project(conn: Connection, project_id: int) -> list[Any]:
    """The applications a project builds or deploys (slug, name, status), by slug."""
    return list(conn.execute(
        select(applications.c.slug, applications.c.name, applications.c.status)
        .join(links, links.c.application_id == applications.c.id)
        .where(links.c.project_id == project_id).order_by(applications.c.slug)).all())


def create_application(conn: Connection, data: dict[str, Any]) -> Any:
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise Invalid("slug must be 1-63 lowercase letters, digits or dashes", field="slug")
    values = _clean(data, partial=False)
    values.setdefault("tags", [])
    chosen = values.pop("projects", [])
    try:
        with conn.begin_nested():
            app_id = conn.execute(insert(applications).values(slug=slug, **values)
                                  .returning(applications.c.id)).scalar_one()
    except IntegrityError:
        raise Conflict(f"an application {slug!r} already exists", field="slug") from None
    _link(conn, app_id, chosen)
    return get_application(conn, slug)


def update_application(conn: Connection, slug: str, data: dict[str, Any]) -> Any:
    if "slug" in data and data["slug"] != slug:
        raise Invalid("slug cannot be changed", field="slug")
    values = _clean(data, partial=True)
    current = get_application(conn, slug)
    if "projects" in values:
        chosen = values.pop("projects")
        if chosen != sorted(current.projects):
            _link(conn, current.id, chosen)
    if values:
        conn.execute(update(applications).where(applications.c.slug == slug)
                     .values(**values, updated_at=func.now()))
    return get_application(conn, slug)


def delete_application(conn: Connection, slug: str) -> None:
    """Delete the application with its checks, history, metrics, rules and alerts."""
    gone = conn.execute(delete(applications).where(applications.c.slug == slug)).rowcount
    if not gone:
        raise NotFound(f"no application {slug!r}", field="slug")
